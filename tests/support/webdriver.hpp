// A browser the tests drive like a user: Debian's chromedriver (package
// chromium-driver) running headless chromium, spoken to over the W3C
// WebDriver protocol with the library's own HTTP client. For what a page
// load alone cannot show: typing a token and pressing a button, cookies
// set by the server, timings in real (not virtual) time.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "test_support.hpp"

namespace testing {

/// chromedriver ($USAGE_CHROMEDRIVER, else /usr/bin/chromedriver) and
/// chromium, or nullopt with the skip marker (a failure under
/// USAGE_REQUIRE_CHROMIUM).
std::optional<std::pair<std::string, std::string>> chromedriver_or_skip();

class WebDriver {
public:
    /// Starts chromedriver on a free loopback port and a headless chromium
    /// session with a profile of its own, `width` px wide. Throws when either
    /// does not start.
    WebDriver(const std::string& chromedriver, const std::string& chromium, int width = 1440);
    ~WebDriver();
    WebDriver(const WebDriver&) = delete;
    WebDriver& operator=(const WebDriver&) = delete;

    void go(const std::string& url);
    /// The value of a script's `return` (arguments: none).
    nlohmann::json run(const std::string& script);
    /// Waits until `expression` is truthy in the page; false after `limit`.
    bool wait_for(const std::string& expression, std::chrono::milliseconds limit = std::chrono::seconds(20));
    /// Types `text` into the element `css` selects.
    void type(const std::string& css, const std::string& text);
    void click(const std::string& css);

private:
    nlohmann::json post(const std::string& path, const nlohmann::json& body);  ///< a command's value
    std::string element(const std::string& css);

    TempDir profile_;
    int port_ = 0;
    std::unique_ptr<Process> driver_;
    std::string session_;
};

}  // namespace testing
