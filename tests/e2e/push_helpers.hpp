// Shared by the sync_push_*_test.cpp files: a machine's home with Claude
// calls whose config pushes to an endpoint, and the real `serve --ingest` as
// that endpoint, read back through its API.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "serve_helpers.hpp"
#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

namespace push_test {

/// A home with Claude calls `msg_N` (input 5) in one transcript, and a config
/// pushing to `endpoint` with a 0600 token file.
struct PushHome : testing::AgentHome {
    std::filesystem::path transcript = dir / "home" / ".claude" / "projects" / "-w-app" / "s1.jsonl";
    std::filesystem::path token_file = dir / "home" / ".config" / "usage-agent" / "token";

    PushHome(const std::string& endpoint, const std::string& token, const std::string& extra_sync = "") {
        testing::write_file(transcript, "");
        set_token(token);
        configure(endpoint, extra_sync);
    }
    void set_token(const std::string& token) const {
        testing::write_file(token_file, token + "\n");
        std::filesystem::permissions(token_file,
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::replace);
    }
    /// Rewrite the config: machine `box-1`, this endpoint, the token file.
    void configure(const std::string& endpoint, const std::string& extra_sync = "", bool with_token_file = true) const {
        testing::write_file(dir / "home" / ".config" / "usage-agent" / "config.yaml",
                            "machine_name: box-1\nsync:\n  endpoint: " + endpoint + "\n" +
                                (with_token_file ? "  token_file: ~/.config/usage-agent/token\n" : "") + extra_sync);
    }
    static std::string line(const std::string& id, std::int64_t output) {
        return claude_test::Assistant(id, "req_" + id, 5, 0, 0, output)
            .session("s1")
            .cwd("/w/app")
            .at("2026-01-10T10:00:00.000Z")
            .line();
    }
    /// Append calls msg_<first> .. msg_<first + count - 1> with output 10 x N.
    void add_calls(int first, int count) const {
        std::string lines;
        for (int n = first; n < first + count; ++n) lines += line("msg_" + std::to_string(n), 10 * n);
        testing::append_file(transcript, lines);
    }
    static std::string id_of(int n) { return "claude-code:msg_" + std::to_string(n) + ":req_msg_" + std::to_string(n); }

    /// `sync --once --json` with the exit code it must have; its JSON.
    [[nodiscard]] nlohmann::json sync_json(int want_exit = 0) const {
        auto r = run({"sync", "--once", "--json"});
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == want_exit);
        return nlohmann::json::parse(r.out);
    }
    [[nodiscard]] nlohmann::json status() const {
        auto r = run({"status", "--json"});
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    }
    [[nodiscard]] std::filesystem::path store_file() const { return dir / "state" / "usage.db"; }
};

/// The real team endpoint: `serve --ingest` in its own state dir, a member
/// token `alice` to push with and a manager token to read everything.
struct Endpoint {
    testing::AgentHome home;
    std::string token = serve_test::add_token(home, "alice", "member");
    std::string reader = serve_test::add_token(home, "boss", "manager");
    testing::ServeProcess server{home, {"--ingest"}};

    [[nodiscard]] std::string url() const { return server.url(""); }
    [[nodiscard]] nlohmann::json totals() const {
        return serve_test::get_json(server, "/api/v1/summary", reader).at("totals");
    }
};

/// What push_report_json holds after a push, field by field.
inline nlohmann::json push_json(const std::string& outcome, int pending_before, int sent, int sent_superseded,
                                int batches, int retries, int connections, int endpoint_new, int endpoint_updated,
                                int endpoint_unchanged, nlohmann::json set_aside, int still_queued,
                                const std::string& message) {
    return {{"outcome", outcome},
            {"pending_before", pending_before},
            {"sent", sent},
            {"sent_superseded", sent_superseded},
            {"sent_failed", 0},
            {"batches", batches},
            {"retries", retries},
            {"connections", connections},
            {"endpoint_new", endpoint_new},
            {"endpoint_updated", endpoint_updated},
            {"endpoint_unchanged", endpoint_unchanged},
            {"set_aside", std::move(set_aside)},
            {"still_queued", still_queued},
            {"message", message}};
}

/// A machine of a team: its own HOME, state dir and transcripts, pushing to `endpoint`.
struct TeamMachine : testing::AgentHome {
    std::filesystem::path transcript;
    TeamMachine(const std::string& name, const std::string& endpoint, const std::string& token, int batch_size = 500) {
        transcript = dir / "home" / ".claude" / "projects" / ("-w-" + name) / "s.jsonl";
        testing::write_file(transcript, "");
        auto token_file = dir / "home" / ".config" / "usage-agent" / "token";
        testing::write_file(token_file, token + "\n");
        std::filesystem::permissions(token_file,
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::replace);
        testing::write_file(dir / "home" / ".config" / "usage-agent" / "config.yaml",
                            "machine_name: " + name + "\nsync:\n  endpoint: " + endpoint +
                                "\n  token_file: ~/.config/usage-agent/token\n  batch_size: " +
                                std::to_string(batch_size) + "\n  max_attempts: 8\n");
    }
    void add_calls(const std::string& prefix, int first, int count, std::int64_t output) const {
        std::string lines;
        for (int i = first; i < first + count; ++i)
            lines += claude_test::Assistant(prefix + std::to_string(i), "req_" + prefix + std::to_string(i), 3, 0, 100,
                                            output)
                         .session(prefix + "-session")
                         .cwd("/w/" + prefix)
                         .at("2026-01-10T10:00:00.000Z")
                         .line();
        testing::append_file(transcript, lines);
    }
    [[nodiscard]] nlohmann::json sync() const {
        auto r = run({"sync", "--once", "--json"});
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    }
    [[nodiscard]] nlohmann::json local_totals() const { return report("summary").at("totals"); }
};

/// Claude Code's statusline JSON for session s1 with this `total_cost_usd`,
/// fed to the real `statusline`: a figure in the home's session cost ledger.
inline void statusline_cost(const PushHome& h, const std::string& usd) {
    const auto input = h.dir / "statusline.json";
    testing::write_file(input, R"({"session_id": "s1", "model": {"id": "claude-sonnet-4-5-20250929"},
                                  "version": "2.1.81", "cost": {"total_cost_usd": )" +
                                   usd + "}}");
    const auto r = testing::run_command(
        {"/bin/sh", "-c", "exec \"$0\" statusline < \"$1\"", USAGE_AGENT_BIN, input.string()}, h.env);
    REQUIRE(r.exit_code == 0);
}

inline void check_same_totals(const nlohmann::json& remote, const nlohmann::json& local) {
    for (const char* key : {"events", "sessions", "input_tokens", "output_tokens", "cache_read_tokens",
                            "cache_write_tokens", "total_tokens", "cost_usd"})
        CHECK_MESSAGE(remote.at(key) == local.at(key), key);
}

}  // namespace push_test
