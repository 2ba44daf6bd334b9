// Builders for Claude Code transcript lines in the real shape (key order of
// Claude Code 2.x), shared by the plugin's tests. Tests that need a file built
// at runtime (incremental writes, huge lines, invalid bytes) use these instead
// of string literals so every line carries the same fields as a real one.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

namespace claude_test {

inline const std::string kSession = "8c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";

/// One assistant line: one content block of one API response.
class Assistant {
public:
    /// An empty `request_id` omits the key, as Bedrock/Vertex/proxy lines do.
    Assistant(std::string id, std::string request_id, std::int64_t input, std::int64_t cache_write,
              std::int64_t cache_read, std::int64_t output)
        : id_(std::move(id)),
          request_id_(std::move(request_id)),
          input_(input),
          cache_write_(cache_write),
          cache_read_(cache_read),
          output_(output) {}

    Assistant& split(std::int64_t w5, std::int64_t w1) {
        split_ = std::pair{w5, w1};
        return *this;
    }
    Assistant& model(std::string m) {
        model_ = std::move(m);
        return *this;
    }
    Assistant& session(std::optional<std::string> s) {
        session_ = std::move(s);
        return *this;
    }
    Assistant& cwd(std::optional<std::string> c) {
        cwd_ = std::move(c);
        return *this;
    }
    Assistant& at(std::string ts) {
        timestamp_ = std::move(ts);
        return *this;
    }
    Assistant& sidechain(bool s = true) {
        sidechain_ = s;
        return *this;
    }
    Assistant& cost(double usd) {
        cost_usd_ = usd;
        return *this;
    }
    Assistant& text(std::string t) {
        text_ = std::move(t);
        return *this;
    }
    Assistant& branch(std::string b) {
        branch_ = std::move(b);
        return *this;
    }

    [[nodiscard]] nlohmann::ordered_json json() const {
        nlohmann::ordered_json usage = {{"input_tokens", input_},
                                        {"cache_creation_input_tokens", cache_write_},
                                        {"cache_read_input_tokens", cache_read_}};
        if (split_)
            usage["cache_creation"] = {{"ephemeral_5m_input_tokens", split_->first},
                                       {"ephemeral_1h_input_tokens", split_->second}};
        usage["output_tokens"] = output_;
        usage["service_tier"] = "standard";
        nlohmann::ordered_json line = {{"parentUuid", "3f0c1a2b-0000-4000-8000-000000000001"},
                                       {"isSidechain", sidechain_},
                                       {"userType", "external"}};
        if (cwd_) line["cwd"] = *cwd_;
        if (session_) line["sessionId"] = *session_;
        line["version"] = "2.0.64";
        line["gitBranch"] = branch_;
        line["message"] = {{"model", model_},
                           {"id", id_},
                           {"type", "message"},
                           {"role", "assistant"},
                           {"content", nlohmann::ordered_json::array({{{"type", "text"}, {"text", text_}}})},
                           {"stop_reason", nullptr},
                           {"stop_sequence", nullptr},
                           {"usage", usage}};
        if (!request_id_.empty()) line["requestId"] = request_id_;
        if (cost_usd_) line["costUSD"] = *cost_usd_;
        line["type"] = "assistant";
        line["uuid"] = "3f0c1a2b-0000-4000-8000-0000000000aa";
        line["timestamp"] = timestamp_;
        return line;
    }
    /// The line with its newline.
    [[nodiscard]] std::string line() const { return json().dump() + "\n"; }

private:
    std::string id_, request_id_;
    std::int64_t input_, cache_write_, cache_read_, output_;
    std::optional<std::pair<std::int64_t, std::int64_t>> split_;
    std::string model_ = "claude-sonnet-4-5-20250929";
    std::optional<std::string> session_ = kSession;
    std::optional<std::string> cwd_ = "/home/dev/proj";
    std::string timestamp_ = "2025-09-03T00:47:19.293Z";
    bool sidechain_ = false;
    std::optional<double> cost_usd_;
    std::string text_ = "done";
    std::string branch_ = "main";
};

/// A failed call as Claude Code 2.1 writes it: a `<synthetic>` assistant
/// message with all-zero usage, flagged `isApiErrorMessage`, with the error's
/// kind (`error`, omitted when empty) and HTTP status (`apiErrorStatus`,
/// omitted when 0). Copies of it (a resumed session) keep its message id.
inline std::string api_error_line(const std::string& message_id, const std::string& timestamp, const std::string& error,
                                  int status, const std::string& session = kSession) {
    nlohmann::ordered_json usage = {
        {"input_tokens", 0},
        {"output_tokens", 0},
        {"cache_creation_input_tokens", 0},
        {"cache_read_input_tokens", 0},
        {"server_tool_use", {{"web_search_requests", 0}, {"web_fetch_requests", 0}}},
        {"service_tier", nullptr},
        {"cache_creation", {{"ephemeral_1h_input_tokens", 0}, {"ephemeral_5m_input_tokens", 0}}}};
    nlohmann::ordered_json line = {
        {"parentUuid", "3f0c1a2b-0000-4000-8000-000000000001"},
        {"isSidechain", false},
        {"type", "assistant"},
        {"uuid", "3f0c1a2b-0000-4000-8000-0000000000cc"},
        {"timestamp", timestamp},
        {"message",
         {{"id", message_id},
          {"container", nullptr},
          {"model", "<synthetic>"},
          {"role", "assistant"},
          {"stop_reason", "stop_sequence"},
          {"stop_sequence", ""},
          {"type", "message"},
          {"usage", usage},
          {"content",
           nlohmann::ordered_json::array({{{"type", "text"}, {"text", "API Error: the request failed"}}})}}}};
    if (!error.empty()) line["error"] = error;
    line["isApiErrorMessage"] = true;
    if (status != 0) line["apiErrorStatus"] = status;
    line["sessionId"] = session;
    line["version"] = "2.1.278";
    line["cwd"] = "/home/dev/proj";
    line["gitBranch"] = "main";
    return line.dump() + "\n";
}

/// A user line (prompt or tool result text); never carries usage.
inline std::string user_line(const std::string& text, const std::string& session = kSession) {
    nlohmann::ordered_json line = {{"parentUuid", nullptr},
                                   {"isSidechain", false},
                                   {"userType", "external"},
                                   {"cwd", "/home/dev/proj"},
                                   {"sessionId", session},
                                   {"version", "2.0.64"},
                                   {"gitBranch", "main"},
                                   {"type", "user"},
                                   {"message", {{"role", "user"}, {"content", text}}},
                                   {"uuid", "3f0c1a2b-0000-4000-8000-0000000000bb"},
                                   {"timestamp", "2025-09-03T00:47:18.000Z"}};
    return line.dump() + "\n";
}

}  // namespace claude_test
