// Builders for Codex rollout files in the real shape (key order and fields
// of Codex 0.12x rollouts), shared by the plugin's tests. Tests that build a
// rollout at runtime (incremental writes, forks, zstd copies) use these so
// every line carries the same fields as a real one.
#pragma once

#include <zstd.h>

#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace codex_test {

using nlohmann::ordered_json;

/// A usage vector: `cached` and `cache_write` are part of `input`,
/// `reasoning` part of `output` (Codex's own convention).
struct Vec {
    std::int64_t input = 0, cached = 0, output = 0, reasoning = 0, cache_write = 0;
    Vec& operator+=(const Vec& o) {
        input += o.input, cached += o.cached, output += o.output, reasoning += o.reasoning;
        cache_write += o.cache_write;
        return *this;
    }
};

inline constexpr std::int64_t kT0 = 1772355600000;  // 2026-03-01T09:00:00Z

inline std::string iso(std::int64_t ms) {
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
    return out;
}

/// A UUID v7 minted at `ms` (the time prefix Codex thread and turn ids have).
inline std::string v7(std::int64_t ms, int tail) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-7%03x-8%03x-%012llx", static_cast<unsigned long long>(ms >> 16),
                  static_cast<unsigned long long>(ms & 0xffff), tail & 0xfff, tail & 0xfff,
                  0xc0de0000ull + static_cast<unsigned long long>(tail));
    return buf;
}

/// A legacy (v4) id: no time in it.
inline std::string v4(int tail) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-9%03x-%012llx", 0x5eed0000u + static_cast<unsigned>(tail),
                  tail & 0xffff, tail & 0xfff, tail & 0xfff, 0xfeed0000ull + static_cast<unsigned long long>(tail));
    return buf;
}

inline std::string line(std::int64_t ms, const std::string& type, ordered_json payload) {
    ordered_json j;
    j["timestamp"] = iso(ms);
    j["type"] = type;
    j["payload"] = std::move(payload);
    return j.dump();
}

inline ordered_json usage_json(const Vec& v) {
    ordered_json u{{"input_tokens", v.input},
                   {"cached_input_tokens", v.cached},
                   {"output_tokens", v.output},
                   {"reasoning_output_tokens", v.reasoning},
                   {"total_tokens", v.input + v.output}};
    if (v.cache_write) u["cache_write_input_tokens"] = v.cache_write;
    return u;
}

struct Meta {
    std::string id;
    std::int64_t created_ms = kT0;
    std::string cwd = "/w/app";
    std::string originator = "codex_cli_rs";
    ordered_json source = "cli";
    std::string forked_from;
    // Newer Codex (>= 0.146) also names the thread that controls this one and
    // the root session; Auto-review threads say `thread_source`.
    std::string parent_thread_id, session_id, thread_source;
    std::string branch = "main";
    std::string provider = "openai";
};

inline std::string meta_line(const Meta& m) {
    ordered_json p;
    p["id"] = m.id;
    if (!m.forked_from.empty()) p["forked_from_id"] = m.forked_from;
    if (!m.session_id.empty()) p["session_id"] = m.session_id;
    if (!m.parent_thread_id.empty()) p["parent_thread_id"] = m.parent_thread_id;
    if (!m.thread_source.empty()) p["thread_source"] = m.thread_source;
    p["timestamp"] = iso(m.created_ms - 420);
    p["cwd"] = m.cwd;
    p["originator"] = m.originator;
    p["cli_version"] = "0.128.0";
    p["source"] = m.source;
    p["model_provider"] = m.provider;
    p["base_instructions"] = {{"text", "You are Codex, a coding agent based on GPT-5."}};
    p["git"] = {{"commit_hash", "3f1c2a9d8e7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d"},
                {"branch", m.branch},
                {"repository_url", "git@example.invalid:dev/app.git"}};
    return line(m.created_ms, "session_meta", std::move(p));
}

inline ordered_json spawn_source(const std::string& parent, int depth) {
    return {{"subagent",
             {{"thread_spawn", {{"parent_thread_id", parent}, {"depth", depth}, {"agent_nickname", "Euclid"}}}}}};
}

/// One rollout file, line by line, with its running cumulative usage.
class Rollout {
public:
    explicit Rollout(Meta meta) : meta_(std::move(meta)) { lines_.push_back(meta_line(meta_)); }

    /// task_started (optional) + turn_context + the user's message. An empty
    /// model omits the key (old rollouts); an empty turn id omits it too.
    Rollout& turn(std::int64_t ms, const std::string& turn_id, const std::string& model, bool task = true) {
        if (task) {
            ordered_json t{{"type", "task_started"}};
            if (!turn_id.empty()) t["turn_id"] = turn_id;
            t["started_at"] = ms / 1000;
            t["model_context_window"] = 272000;
            lines_.push_back(line(ms, "event_msg", std::move(t)));
        }
        ordered_json tc;
        if (!turn_id.empty()) tc["turn_id"] = turn_id;
        tc["cwd"] = meta_.cwd;
        tc["approval_policy"] = "on-request";
        tc["sandbox_policy"] = {{"type", "workspace-write"}, {"network_access", false}};
        if (!model.empty()) tc["model"] = model;
        tc["effort"] = "medium";
        tc["summary"] = "auto";
        lines_.push_back(line(ms, "turn_context", std::move(tc)));
        lines_.push_back(line(ms + 1, "event_msg", {{"type", "user_message"}, {"message", "tidy the parser"}}));
        return *this;
    }
    /// A model call: the cumulative total grows by `call`; both usages written.
    Rollout& call(std::int64_t ms, const Vec& call) {
        total_ += call;
        return snapshot(ms, total_, call);
    }
    /// A call written as its new cumulative total only (no last_token_usage).
    Rollout& call_total_only(std::int64_t ms, const Vec& call) {
        total_ += call;
        return snapshot(ms, total_, std::nullopt);
    }
    /// A token_count line with explicit vectors (re-emits, stale snapshots, resets).
    Rollout& snapshot(std::int64_t ms, const Vec& total, const std::optional<Vec>& last) {
        ordered_json info{{"total_token_usage", usage_json(total)}};
        if (last) info["last_token_usage"] = usage_json(*last);
        info["model_context_window"] = 272000;
        lines_.push_back(
            line(ms, "event_msg", {{"type", "token_count"}, {"info", std::move(info)}, {"rate_limits", nullptr}}));
        return *this;
    }
    Rollout& rate_limit(std::int64_t ms) {
        lines_.push_back(line(ms, "event_msg",
                              {{"type", "token_count"}, {"info", nullptr}, {"rate_limits", {{"primary", nullptr}}}}));
        return *this;
    }
    /// Tool output of `bytes` bytes (what makes real rollouts big).
    Rollout& tool_output(std::int64_t ms, std::size_t bytes) {
        lines_.push_back(line(ms, "response_item",
                              {{"type", "function_call_output"},
                               {"call_id", "call_" + std::to_string(ms)},
                               {"output", "total 8\n" + std::string(bytes, 'x')}}));
        return *this;
    }
    Rollout& raw(std::string text) {
        lines_.push_back(std::move(text));
        return *this;
    }
    /// Copy `parent`'s meta and lines (re-stamped to `at`) and continue from its total.
    Rollout& replay(const Rollout& parent, std::int64_t at) {
        for (const auto& l : parent.lines_) {
            auto j = ordered_json::parse(l);
            j["timestamp"] = iso(at);
            lines_.push_back(j.dump());
        }
        total_ = parent.total_;
        return *this;
    }

    [[nodiscard]] const Vec& total() const { return total_; }
    [[nodiscard]] const Meta& meta() const { return meta_; }
    [[nodiscard]] std::size_t size() const { return lines_.size(); }
    /// Lines [from, end) with a newline after each.
    [[nodiscard]] std::string text(std::size_t from = 0) const {
        std::string out;
        for (std::size_t i = from; i < lines_.size(); ++i) out += lines_[i] + "\n";
        return out;
    }
    [[nodiscard]] std::string file_name() const {
        std::string t = iso(meta_.created_ms).substr(0, 19);
        for (auto& c : t)
            if (c == ':') c = '-';
        return "rollout-" + t + "-" + meta_.id + ".jsonl";
    }
    /// sessions/YYYY/MM/DD/<file name>
    [[nodiscard]] std::string session_path() const {
        const std::string d = iso(meta_.created_ms);
        return "sessions/" + d.substr(0, 4) + "/" + d.substr(5, 2) + "/" + d.substr(8, 2) + "/" + file_name();
    }

private:
    Meta meta_;
    std::vector<std::string> lines_;
    Vec total_;
};

/// One zstd frame of `text` (Codex writes one frame per file).
inline std::string zstd_frame(const std::string& text, int level = 3) {
    std::string out(ZSTD_compressBound(text.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), level);
    if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

}  // namespace codex_test
