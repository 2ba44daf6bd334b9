// A real browser for the dashboard's tests: Debian's chromium, headless, one
// process per page load with a profile of its own. It runs the page's
// scripts until they are idle (virtual time, which waits for the page's
// fetches) and gives back the DOM as the scripts left it, and what the page
// logged on its console (script errors, Content-Security-Policy refusals).
#pragma once

#include <optional>
#include <string>

namespace testing {

/// The chromium binary ($USAGE_CHROMIUM, else /usr/bin/chromium). When there
/// is none: fails the test if USAGE_REQUIRE_CHROMIUM is set (CI), else prints
/// the skip marker ctest reports as "Skipped" and returns nullopt.
std::optional<std::string> chromium_or_skip();

/// The program $`env` names, else `fallback`; when it is missing, as
/// chromium_or_skip (`package` is what to install).
std::optional<std::string> browser_program_or_skip(const char* env, const std::string& fallback,
                                                   const std::string& package);

struct LoadedPage {
    std::string dom;      ///< the serialized DOM after the scripts ran
    std::string console;  ///< chromium's log: console messages, CSP refusals
    int exit_code = -1;
};

/// Loads `url` in `chromium` (window `width` px wide, time zone `tz`).
LoadedPage load_page(const std::string& chromium, const std::string& url, int width = 1440,
                     const std::string& tz = "UTC");

}  // namespace testing
