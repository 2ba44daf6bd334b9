#include "webdriver.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "headless_browser.hpp"
#include "usage/net/http_client.hpp"

namespace testing {
namespace {

std::string base(int port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

}  // namespace

std::optional<std::pair<std::string, std::string>> chromedriver_or_skip() {
    const auto chromium = chromium_or_skip();
    if (!chromium) return std::nullopt;
    const auto driver = browser_program_or_skip("USAGE_CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
    if (!driver) return std::nullopt;
    return std::make_pair(*driver, *chromium);
}

WebDriver::WebDriver(const std::string& chromedriver, const std::string& chromium, int width) {
    // A port the kernel just handed out and this process released: chromedriver
    // takes no port 0.
    const int fd = bind_loopback(port_);
    ::close(fd);
    driver_ = std::make_unique<Process>(
        std::vector<std::string>{chromedriver, "--port=" + std::to_string(port_), "--allowed-ips=127.0.0.1"},
        std::map<std::string, std::string>{{"HOME", profile_.path().string()}, {"TZ", "UTC"}});
    usage::HttpClient client;
    bool ready = false;
    for (int i = 0; i < 100 && !ready; ++i) {
        try {
            ready = client.get(base(port_) + "/status").status == 200;
        } catch (const usage::HttpError&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    if (!ready) throw std::runtime_error("chromedriver did not start: " + driver_->err());
    const nlohmann::json caps = {
        {"capabilities",
         {{"alwaysMatch",
           {{"browserName", "chrome"},
            {"goog:chromeOptions",
             {{"binary", chromium},
              {"args",
               {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--user-data-dir=" + (profile_.path() / "profile").string(),
                "--window-size=" + std::to_string(width) + ",1200"}}}}}}}}};
    session_ = post("/session", caps).at("sessionId").get<std::string>();
}

WebDriver::~WebDriver() {
    try {
        // Quits every browser it started, then chromedriver itself.
        usage::HttpClient().get(base(port_) + "/shutdown");
    } catch (...) {
    }
    if (driver_) driver_->wait(std::chrono::seconds(10));
}

nlohmann::json WebDriver::post(const std::string& path, const nlohmann::json& body) {
    usage::HttpClient client;
    const auto r = client.post(base(port_) + path, body.dump(), {"Content-Type: application/json"});
    const auto answer = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || !answer.is_object())
        throw std::runtime_error("webdriver " + path + ": " + std::to_string(r.status) + " " + r.body);
    return answer.at("value");
}

void WebDriver::go(const std::string& url) {
    post("/session/" + session_ + "/url", {{"url", url}});
}

nlohmann::json WebDriver::run(const std::string& script) {
    return post("/session/" + session_ + "/execute/sync", {{"script", script}, {"args", nlohmann::json::array()}});
}

bool WebDriver::wait_for(const std::string& expression, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (run("return !!(" + expression + ");").get<bool>()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::string WebDriver::element(const std::string& css) {
    const auto found = post("/session/" + session_ + "/element", {{"using", "css selector"}, {"value", css}});
    return found.begin().value().get<std::string>();  // {"element-6066-...": id}
}

void WebDriver::type(const std::string& css, const std::string& text) {
    post("/session/" + session_ + "/element/" + element(css) + "/value", {{"text", text}});
}

void WebDriver::click(const std::string& css) {
    post("/session/" + session_ + "/element/" + element(css) + "/click", nlohmann::json::object());
}

}  // namespace testing
