// The three notifiers. Each answers whether the alert arrived: only then is
// it recorded, so a webhook that is down gets the alert at a later
// evaluation instead of never (design-notes: deliver at least once, and
// once delivered never again).
#include "alerts/notifiers.hpp"

#include <chrono>
#include <thread>

#include "alerts/child_process.hpp"
#include "json_text.hpp"
#include "service/external_command.hpp"
#include "usage/net/http_client.hpp"

namespace agent::alerts {
namespace {

using namespace std::chrono_literals;
constexpr int kWebhookAttempts = 3;
constexpr auto kCommandTimeout = 10s;

Delivery failed(std::string message) {
    return {Delivery::Outcome::failed, std::move(message)};
}

Delivery post_webhook(const std::string& url, const nlohmann::json& alert) {
    usage::HttpOptions options;
    options.connect_timeout = 5s;
    options.timeout = 10s;
    options.max_response_bytes = 64 << 10;
    std::string last;
    auto wait = 500ms;
    for (int attempt = 1; attempt <= kWebhookAttempts; ++attempt) {
        if (attempt > 1) {
            std::this_thread::sleep_for(wait);
            wait *= 2;
        }
        try {
            usage::HttpClient client(options);
            const auto res = client.post(url, json_text(alert, -1), {"Content-Type: application/json"});
            if (res.status >= 200 && res.status < 300) return {Delivery::Outcome::delivered, {}};
            last = url + ": HTTP " + std::to_string(res.status);
            // As the push retries (design-notes): 408, 429 and 5xx but 501 may pass
            // in a moment; another refusal will not, so it waits for the next evaluation.
            const bool transient = res.status == 408 || res.status == 429 || (res.status >= 500 && res.status != 501);
            if (!transient) break;
        } catch (const std::exception& e) {
            last = e.what();  // names the URL
        }
    }
    return failed("webhook " + last);
}

Delivery run_command(const std::vector<std::string>& argv, const nlohmann::json& alert) {
    const std::string line = service::shell_line(argv);
    try {
        const auto r = run_with_input(argv, json_text(alert, -1) + "\n", kCommandTimeout);
        if (r.timed_out) return failed("command " + line + ": still running after 10 s, killed");
        if (r.exit_code == 0) return {Delivery::Outcome::delivered, {}};
        std::string why = "command " + line + ": exit " + std::to_string(r.exit_code);
        if (const auto last = service::last_line(r.output); !last.empty()) why += ": " + last;
        return failed(why);
    } catch (const std::exception& e) {
        return failed("command " + line + ": " + e.what());
    }
}

Delivery show_on_desktop(const nlohmann::json& alert) {
    const std::string title = "usage-agent budget " + alert.value("budget", std::string());
    const std::string text = alert.value("text", std::string());
#ifdef __APPLE__
    const char* tool = "osascript";
    std::string script = "display notification ";
    script += nlohmann::json(text).dump();  // a JSON string is a valid AppleScript string literal here
    script += " with title ";
    script += nlohmann::json(title).dump();
    const std::vector<std::string> argv = {tool, "-e", script};
#else
    const char* tool = "notify-send";
    const std::vector<std::string> argv = {tool, "--app-name=usage-agent", title, text};
#endif
    if (!service::find_on_path(tool))
        return {Delivery::Outcome::unavailable, std::string(tool) + " is not installed: desktop alerts are not shown"};
    try {
        const auto r = run_with_input(argv, "", kCommandTimeout);
        if (r.exit_code == 0 && !r.timed_out) return {Delivery::Outcome::delivered, {}};
        // No desktop session (a headless server, an agent started before
        // login) fails the same way every time: said once, not retried.
        return {Delivery::Outcome::unavailable,
                std::string(tool) + " failed (no desktop session?): " + service::last_line(r.output)};
    } catch (const std::exception& e) {
        return {Delivery::Outcome::unavailable, e.what()};
    }
}

}  // namespace

Delivery deliver(const usage::BudgetNotifier& notifier, const nlohmann::json& alert) {
    switch (notifier.kind) {
        case usage::BudgetNotifier::Kind::webhook: return post_webhook(notifier.url, alert);
        case usage::BudgetNotifier::Kind::command: return run_command(notifier.argv, alert);
        case usage::BudgetNotifier::Kind::desktop: break;
    }
    return show_on_desktop(alert);
}

}  // namespace agent::alerts
