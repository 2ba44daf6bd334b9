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

std::optional<std::string> chromium_or_skip() {
    const char* configured = std::getenv("USAGE_CHROMIUM");
    const std::string path = configured != nullptr && *configured != '\0' ? configured : "/usr/bin/chromium";
    if (std::filesystem::exists(path)) return path;
    const std::string why = "no chromium at " + path + " (apt-get install chromium) for the dashboard's browser tests";
    const char* required = std::getenv("USAGE_REQUIRE_CHROMIUM");
    if (required != nullptr && *required != '\0') FAIL("USAGE_REQUIRE_CHROMIUM is set but " << why);
    MESSAGE("skipped: " << why);
    std::printf("USAGE_TEST_SKIPPED: %s\n", why.c_str());
    std::fflush(stdout);
    return std::nullopt;
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
