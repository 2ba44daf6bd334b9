#include "headless_browser.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <vector>

#include "test_support.hpp"

namespace testing {
namespace {

std::vector<std::string> common_args(const std::string& chromium, const TempDir& profile, int width, int height) {
    // --no-sandbox: CI runs as root, where chromium's sandbox refuses to
    // start; the page is our own. Virtual time runs timers as fast as the
    // page allows but waits for its network fetches.
    return {chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",  // containers and chroots have a small /dev/shm
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--hide-scrollbars",
            "--user-data-dir=" + profile.path().string(),
            "--window-size=" + std::to_string(width) + "," + std::to_string(height),
            "--virtual-time-budget=20000",
            "--enable-logging=stderr",
            "--v=0"};
}

std::map<std::string, std::string> browser_env(const TempDir& home, const std::string& tz) {
    return {{"HOME", home.path().string()}, {"TZ", tz}, {"LANG", "en_US.UTF-8"}};
}

}  // namespace

std::optional<std::string> browser_program_or_skip(const char* env, const std::string& fallback,
                                                   const std::string& package) {
    const char* configured = std::getenv(env);
    const std::string path = configured != nullptr && *configured != '\0' ? configured : fallback;
    if (std::filesystem::exists(path)) return path;
    skip_unless_required("USAGE_REQUIRE_CHROMIUM", "no " + fallback.substr(fallback.rfind('/') + 1) + " at " + path +
                                                       " (apt-get install " + package + ") for the dashboard's tests");
    return std::nullopt;
}

std::optional<std::string> chromium_or_skip() {
    return browser_program_or_skip("USAGE_CHROMIUM", "/usr/bin/chromium", "chromium");
}

LoadedPage load_page(const std::string& chromium, const std::string& url, int width, const std::string& tz) {
    TempDir home;
    auto args = common_args(chromium, home, width, 1200);
    args.push_back("--dump-dom");
    args.push_back(url);
    const RunResult r = run_command(args, browser_env(home, tz));
    return {r.out, r.err, r.exit_code};
}

}  // namespace testing
