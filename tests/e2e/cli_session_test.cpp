// End to end through the real binary: `usage-agent session`, run in a
// project folder (the binary's working directory) or given --id.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

using claude_test::Assistant;
namespace fs = std::filesystem;

namespace {

constexpr const char* kOpus = "claude-opus-4-1-20250805";

// proj-x (a real folder, as the tools record their cwd) holds two sessions,
// /w/elsewhere a later one:
//   s-old  2026-01-10 10:00 .. 10:30  sonnet in 100 cw 200 cr 1000 out 10, in 50 out 20
//   s-new  2026-01-12 09:00 .. 10:15:30  sonnet in 100,000 out 10,000; opus in 1,000 out 2,000
//   s-else 2026-01-13 08:00  sonnet in 5 out 5
struct SessionHome : testing::AgentHome {
    fs::path project;
    fs::path claude;
    SessionHome() {
        claude = dir / "claude";
        env["CLAUDE_CONFIG_DIR"] = claude.string();
        fs::create_directories(dir / "work" / "proj-x");
        project = fs::canonical(dir / "work" / "proj-x");
        const std::string cwd = project.string();
        testing::write_file(claude / "projects" / "-work-proj-x" / "s-old.jsonl",
                            Assistant("msg_o1", "req_o1", 100, 200, 1000, 10)
                                    .session("s-old")
                                    .cwd(cwd)
                                    .at("2026-01-10T10:00:00.000Z")
                                    .line() +
                                Assistant("msg_o2", "req_o2", 50, 0, 0, 20)
                                    .session("s-old")
                                    .cwd(cwd)
                                    .at("2026-01-10T10:30:00.000Z")
                                    .line());
        testing::write_file(claude / "projects" / "-work-proj-x" / "s-new.jsonl",
                            Assistant("msg_n1", "req_n1", 100000, 0, 0, 10000)
                                    .session("s-new")
                                    .cwd(cwd)
                                    .at("2026-01-12T09:00:00.000Z")
                                    .line() +
                                Assistant("msg_n2", "req_n2", 1000, 0, 0, 2000)
                                    .model(kOpus)
                                    .session("s-new")
                                    .cwd(cwd)
                                    .at("2026-01-12T10:15:30.000Z")
                                    .line());
        testing::write_file(claude / "projects" / "-w-elsewhere" / "s-else.jsonl",
                            Assistant("msg_e1", "req_e1", 5, 0, 0, 5)
                                .session("s-else")
                                .cwd("/w/elsewhere")
                                .at("2026-01-13T08:00:00.000Z")
                                .line());
    }
    /// usage-agent ARGS with `where` as its working directory.
    [[nodiscard]] testing::RunResult run_in(const fs::path& where, const std::vector<std::string>& args) const {
        std::vector<std::string> argv{USAGE_AGENT_BIN};
        argv.insert(argv.end(), args.begin(), args.end());
        const std::string folder = where.string();
        return testing::run_command(argv, env, [&folder] { return ::chdir(folder.c_str()) == 0; });
    }
    [[nodiscard]] nlohmann::json session_json(const fs::path& where, std::vector<std::string> args) const {
        args.insert(args.begin(), {"session", "--json"});
        const auto r = run_in(where, args);
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    }
};

}  // namespace

TEST_CASE("session: the latest session of the current directory, after a scan, with exact tokens and cost") {
    SessionHome h;
    // No sync before: the command scans first.
    const auto s = h.session_json(h.project, {});
    CHECK(s["key"] == "s-new");
    CHECK(s["events"] == 2);
    CHECK(s["input_tokens"] == 101000);
    CHECK(s["output_tokens"] == 12000);
    CHECK(s["reasoning_tokens"] == 0);
    CHECK(s["cache_read_tokens"] == 0);
    CHECK(s["cache_write_tokens"] == 0);
    CHECK(s["total_tokens"] == 113000);
    // sonnet 100,000 * $3/M + 10,000 * $15/M = $0.45; opus 1,000 * $15/M + 2,000 * $75/M = $0.165
    CHECK(s["cost_usd"].get<double>() == 0.615);
    CHECK(s["models"] == nlohmann::json::array({kOpus, "claude-sonnet-4-5-20250929"}));
    CHECK(s["project"] == "proj-x");
    CHECK(s["source"] == "claude-code");
    CHECK(s["first_activity"] == "2026-01-12T09:00:00.000Z");
    CHECK(s["last_activity"] == "2026-01-12T10:15:30.000Z");
    CHECK(s["duration_seconds"].get<double>() == 4530.0);
    CHECK_FALSE(s.contains("by_model"));
    // The same row as `report sessions` has for it.
    auto report = h.report("sessions");
    for (const auto& row : report["rows"])
        if (row["key"] == "s-new") {
            auto mine = s;
            mine.erase("duration_seconds");
            CHECK(mine == row);
        }

    const auto text = h.run_in(h.project, {"session", "--no-scan"});
    CHECK(text.exit_code == 0);
    CHECK(text.out ==
          "session s-new\n"
          "  source       claude-code cli\n"
          "  project      proj-x\n"
          "  models       claude-opus-4-1-20250805, claude-sonnet-4-5-20250929\n"
          "  messages     2\n"
          "  input        101,000\n"
          "  output       12,000\n"
          "  reasoning    0\n"
          "  cache read   0\n"
          "  cache write  0\n"
          "  total        113,000\n"
          "  cost         $0.62\n"
          "  first        2026-01-12 09:00 (UTC)\n"
          "  last         2026-01-12 10:15\n"
          "  duration     1h 15m\n");
}

TEST_CASE("session: --full adds one line per model, --id names any session from any folder") {
    SessionHome h;
    const auto full = h.run_in(h.project, {"session", "--full", "--tz", "Europe/Berlin"});
    CHECK(full.exit_code == 0);
    CHECK(full.out ==
          "session s-new\n"
          "  source       claude-code cli\n"
          "  project      proj-x\n"
          "  models       claude-opus-4-1-20250805, claude-sonnet-4-5-20250929\n"
          "  messages     2\n"
          "  input        101,000\n"
          "  output       12,000\n"
          "  reasoning    0\n"
          "  cache read   0\n"
          "  cache write  0\n"
          "  total        113,000\n"
          "  cost         $0.62\n"
          "  first        2026-01-12 10:00 (Europe/Berlin)\n"
          "  last         2026-01-12 11:15\n"
          "  duration     1h 15m\n"
          "\n"
          "MODEL                        MESSAGES   INPUT  OUTPUT  REASON CACHE-R CACHE-W       COST\n"
          "claude-opus-4-1-20250805            1   1,000   2,000       0       0       0      $0.17\n"
          "claude-sonnet-4-5-20250929          1  100.0K   10.0K       0       0       0      $0.45\n");
    const auto by_model = h.session_json(h.project, {"--full", "--no-scan"})["by_model"];
    REQUIRE(by_model.size() == 2);
    CHECK(by_model[0]["key"] == kOpus);
    CHECK(by_model[0]["cost_usd"].get<double>() == 0.165);
    CHECK(by_model[0]["output_cost_usd"].get<double>() == 0.15);
    CHECK(by_model[1]["key"] == "claude-sonnet-4-5-20250929");
    CHECK(by_model[1]["input_tokens"] == 100000);
    CHECK(by_model[1]["cost_usd"].get<double>() == 0.45);

    const auto old = h.session_json(h.dir.path(), {"--id", "s-old", "--no-scan"});
    CHECK(old["key"] == "s-old");
    CHECK(old["events"] == 2);
    CHECK(old["input_tokens"] == 150);
    CHECK(old["output_tokens"] == 30);
    CHECK(old["cache_read_tokens"] == 1000);
    CHECK(old["cache_write_tokens"] == 200);
    CHECK(old["total_tokens"] == 1380);
    // 150 * $3/M + 30 * $15/M + 1,000 * $0.30/M + 200 * $3.75/M
    CHECK(old["cost_usd"].get<double>() == 0.00195);
    CHECK(old["duration_seconds"].get<double>() == 1800.0);
    const auto other = h.session_json(h.project, {"--id", "s-else", "--no-scan"});
    CHECK(other["project"] == "elsewhere");
    CHECK(other["total_tokens"] == 10);
}

TEST_CASE("session: no session in the folder or with the id is one line on stderr and exit 1") {
    SessionHome h;
    fs::create_directories(h.dir / "work" / "empty");
    const fs::path empty = fs::canonical(h.dir / "work" / "empty");
    // Without the scan the store is still empty, even in the project.
    const auto unscanned = h.run_in(h.project, {"session", "--no-scan", "--json"});
    CHECK(unscanned.exit_code == 1);
    CHECK(unscanned.out.empty());
    CHECK(unscanned.err.starts_with("usage-agent: no session found in " + h.project.string() + " "));
    const auto none = h.run_in(empty, {"session"});
    CHECK(none.exit_code == 1);
    CHECK(none.out.empty());
    CHECK(none.err == "usage-agent: no session found in " + empty.string() +
                          " (run it in a project folder, or pass --id from `usage-agent report sessions`)\n");
    const auto unknown = h.run_in(h.project, {"session", "--id", "nope"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err == "usage-agent: no session with id 'nope'\n");
    const auto bad = h.run_in(h.project, {"session", "--model", "x"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "usage-agent: unknown option '--model' (see 'usage-agent session --help')\n");
}
