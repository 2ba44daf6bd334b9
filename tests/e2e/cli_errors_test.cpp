// Usage errors and runtime errors of the real binary: one line on stderr
// naming the word, option, file or key that was wrong, and the exit code
// docs/cli.md documents (2 usage, 1 runtime).
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fstream>

#include "test_support.hpp"

namespace {

// Exit code, exactly this stderr, and nothing on stdout.
void fails(const testing::RunResult& r, int code, const std::string& err) {
    CHECK(r.exit_code == code);
    CHECK(r.err == err);
    CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("cli errors: an unknown command, option or argument is named, with the help page to read") {
    testing::AgentHome h;
    fails(h.run({"frobnicate"}), 2, "usage-agent: unknown command 'frobnicate' (see 'usage-agent --help')\n");
    fails(h.run({"--frob"}), 2, "usage-agent: unknown option '--frob' (see 'usage-agent --help')\n");
    fails(h.run({"report", "--frob=3", "--no-scan"}), 2,
          "usage-agent: unknown option '--frob' (see 'usage-agent report --help')\n");
    fails(h.run({"report", "daily", "extra", "--no-scan"}), 2,
          "usage-agent: unexpected argument 'extra' (see 'usage-agent report --help')\n");
    fails(h.run({"serve", "token", "frob"}), 2,
          "usage-agent: unknown command 'frob' (see 'usage-agent serve token --help')\n");
    fails(h.run({"config"}), 2,
          "usage-agent: missing command: one of init, show, check, keys (see 'usage-agent config --help')\n");
    fails(h.run({"report", "weather"}), 2,
          "usage-agent: unknown view 'weather' (known: summary, daily, weekly, monthly, hourly, sessions, models, "
          "sources, projects, machines, users, repositories, limits) (see 'usage-agent report --help')\n");
    fails(h.run({"report", "--range", "9d"}), 2,
          "usage-agent: --range: unknown range '9d' (known: today, 24h, 7d, 30d, month, year, all) (see "
          "'usage-agent report --help')\n");
    fails(h.run({"report", "--limit"}), 2,
          "usage-agent: option '--limit' needs a value (see 'usage-agent report --help')\n");
    fails(h.run({"serve", "token", "revoke", "abc"}), 2,
          "usage-agent: id must be an integer, got 'abc' (see 'usage-agent serve token revoke --help')\n");
    fails(h.run({"import", "cursor-csv"}), 2, "usage-agent: path is required (see 'usage-agent import --help')\n");
    fails(h.run({"prices", "update"}), 2, "usage-agent: --from is required (see 'usage-agent prices update --help')\n");
    fails(h.run({"serve", "token", "add", "--user", "a", "--role", "owner"}), 2,
          "usage-agent: --role: unknown role 'owner' (known: member, manager, admin) (see 'usage-agent serve token "
          "add --help')\n");
    // Nothing ran: no store was created.
    CHECK_FALSE(std::filesystem::exists(h.dir / "state"));
}

TEST_CASE("cli errors: --help and --version exit 0, --json with --csv and an unknown --source exit 2") {
    testing::AgentHome h;
    auto help = h.run({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.err.empty());
    CHECK(help.out.rfind("usage-agent: find, count and price the usage of AI coding assistants\nUsage: usage-agent ",
                         0) == 0);
    auto nested = h.run({"serve", "token", "add", "--help"});
    CHECK(nested.exit_code == 0);
    CHECK(nested.out.find("Usage: usage-agent serve token add [OPTIONS]") != std::string::npos);
    auto version = h.run({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.err.empty());
    CHECK(version.out.rfind("usage-agent ", 0) == 0);
    CHECK(version.out.find('\n') == version.out.size() - 1);

    fails(h.run({"report", "--json", "--csv", "--no-scan"}), 2,
          "usage-agent: --json and --csv: choose one output format (see 'usage-agent report --help')\n");
    fails(h.run({"sync", "--once", "--source", "nope"}), 2,
          "usage-agent: --source: unknown source 'nope' (see 'usage-agent sync --help')\n");
}

TEST_CASE("cli errors: --limit is checked like the read API's limit, empty --tz and --state-dir are refused") {
    testing::AgentHome h;
    for (const std::string bad : {"0", "-1", "abc", "2.5", "99999999999999999999"}) {
        INFO("--limit '" << bad << "'");
        fails(h.run({"report", "--no-scan", "--limit=" + bad}), 2,
              "usage-agent: --limit: must be an integer of at least 1, got '" + bad +
                  "' (see 'usage-agent report --help')\n");
    }
    fails(h.run({"report", "--no-scan", "--limit", "-1"}), 2,
          "usage-agent: --limit: must be an integer of at least 1, got '-1' (see 'usage-agent report --help')\n");
    fails(h.run({"report", "--no-scan", "--limit="}), 2,
          "usage-agent: option '--limit' needs a value (see 'usage-agent report --help')\n");
    CHECK(h.run({"report", "--no-scan", "--limit", "1"}).exit_code == 0);

    fails(h.run({"report", "--no-scan", "--tz", ""}), 2,
          "usage-agent: --tz: must not be empty (see 'usage-agent report --help')\n");
    fails(h.run({"--state-dir", "", "status"}), 2,
          "usage-agent: --state-dir: must not be empty (see 'usage-agent status --help')\n");
    fails(h.run({"status", "--config", ""}), 2,
          "usage-agent: --config: must not be empty (see 'usage-agent status --help')\n");

    // An empty USAGE_AGENT_STATE_DIR does not fall back to the default store.
    auto env = h.env;
    env["USAGE_AGENT_STATE_DIR"] = "";
    fails(testing::run_agent({"status"}, env), 1,
          "usage-agent: USAGE_AGENT_STATE_DIR is set but empty: set it to a folder or unset it\n");
    CHECK_FALSE(std::filesystem::exists(h.dir / "home" / ".local" / "state" / "usage-agent"));
}

TEST_CASE("cli errors: an unknown import format exits 2, as does a missing export file") {
    testing::AgentHome h;
    testing::write_file(h.dir / "export.csv", "Date,Model\n");
    fails(h.run({"import", "nope", (h.dir / "export.csv").string()}), 2,
          "usage-agent: unknown import format 'nope' (known: cursor-csv, folder) (see 'usage-agent import --help')\n");
    const auto missing = (h.dir / "missing.csv").string();
    fails(h.run({"import", "cursor-csv", missing}), 2,
          "usage-agent: " + missing + ": no such file (see 'usage-agent import --help')\n");
    fails(h.run({"import", "cursor-csv", h.dir.path().string()}), 2,
          "usage-agent: " + h.dir.path().string() + ": is a directory, not a file (see 'usage-agent import --help')\n");
}

TEST_CASE("cli errors: a damaged store is named by its path") {
    testing::AgentHome h;
    const auto db = h.dir / "state" / "usage.db";
    testing::write_file(db, "this is not a database, just text that is long enough to fill a header...\n");
    fails(h.run({"status"}), 1, "usage-agent: " + db.string() + ": file is not a database\n");

    // A store whose header is fine but whose events table is damaged fails
    // later, in a query: the message still names the file.
    std::filesystem::remove(db);
    REQUIRE(h.run({"status"}).exit_code == 0);
    int page_size = 0;
    int events_root = 0;
    {
        SQLite::Database sql(db.string(), SQLite::OPEN_READONLY);
        page_size = sql.execAndGet("PRAGMA page_size").getInt();
        events_root = sql.execAndGet("SELECT rootpage FROM sqlite_master WHERE name = 'events'").getInt();
    }
    REQUIRE(events_root > 1);
    {
        std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(events_root - 1) * page_size);
        const std::string garbage(static_cast<std::size_t>(page_size), '\xff');
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
        REQUIRE(f.good());
    }
    fails(h.run({"report", "--no-scan"}), 1, "usage-agent: " + db.string() + ": database disk image is malformed\n");
}

TEST_CASE("cli errors: a JSON file that does not parse is named") {
    testing::AgentHome h;
    const auto file = (h.dir / "prices.json").string();
    testing::write_file(file, "{\"claude-x\": {\"input_cost_per_token\": 1e-06,\n");
    auto r = h.run({"prices", "update", "--from", file});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    // The parser's own wording follows; the line starts with the file.
    CHECK(r.err.rfind("usage-agent: " + file + ": price file is not valid JSON: ", 0) == 0);
    CHECK(r.err.find('\n') == r.err.size() - 1);

    testing::LoopbackHttpServer server(200, "[1, 2");
    r = h.run({"prices", "update", "--from", server.url("/prices.json")});
    CHECK(r.exit_code == 1);
    CHECK(r.err.rfind("usage-agent: " + server.url("/prices.json") + ": price file is not valid JSON: ", 0) == 0);
}

TEST_CASE("cli errors: every nested --help page shows its own examples") {
    testing::AgentHome h;
    // Each command and how many examples its page gives.
    const std::vector<std::pair<std::vector<std::string>, int>> pages = {{{"sync"}, 3},
                                                                         {{"report"}, 7},
                                                                         {{"prices"}, 3},
                                                                         {{"prices", "update"}, 2},
                                                                         {{"import"}, 3},
                                                                         {{"status"}, 2},
                                                                         {{"config"}, 4},
                                                                         {{"config", "init"}, 2},
                                                                         {{"config", "show"}, 2},
                                                                         {{"config", "check"}, 2},
                                                                         {{"config", "keys"}, 2},
                                                                         {{"store"}, 4},
                                                                         {{"serve"}, 7},
                                                                         {{"serve", "token"}, 3},
                                                                         {{"serve", "token", "add"}, 1},
                                                                         {{"serve", "token", "list"}, 2},
                                                                         {{"serve", "token", "revoke"}, 1}};
    for (const auto& [command, count] : pages) {
        std::string path = "usage-agent";
        for (const auto& word : command) path += " " + word;
        INFO(path);
        auto args = command;
        args.push_back("--help");
        const auto r = h.run(args);
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find("Reference: docs/cli.md") == std::string::npos);  // the top-level footer
        const auto examples = r.out.find("\nExamples:\n");
        REQUIRE(examples != std::string::npos);
        // Every example line is a use of this very command.
        std::size_t at = examples + 11;
        int lines = 0;
        while (at < r.out.size() && r.out.compare(at, 2, "  ") == 0) {
            const auto end = r.out.find('\n', at);
            const std::string line = r.out.substr(at, end - at);
            CHECK_MESSAGE((line == "  " + path || line.rfind("  " + path + " ", 0) == 0), line);
            ++lines;
            at = end + 1;
        }
        CHECK(lines == count);
    }
    const auto top = h.run({"--help"});
    // The glance (no command) first, then the commands.
    CHECK(top.out.find("Examples:\n  usage-agent                 ") != std::string::npos);
    CHECK(top.out.find("\n  usage-agent sync --once ") != std::string::npos);
    CHECK(top.out.find("Reference: docs/cli.md") != std::string::npos);
}

TEST_CASE("cli errors: a folder given to --config and a sync.endpoint that is no URL stop every command") {
    testing::AgentHome h;
    const auto folder = h.dir / "cfg";
    std::filesystem::create_directories(folder);
    const std::string is_folder = "usage-agent: " + folder.string() + ": is a directory; the config is a file (e.g. " +
                                  (folder / "config.yaml").string() + ")\n";
    fails(h.run({"--config", folder.string(), "status"}), 1, is_folder);
    fails(h.run({"config", "check", "--config", folder.string()}), 1, is_folder);
    fails(h.run({"config", "init", "--config", folder.string()}), 1, is_folder);

    const auto file = h.dir / "c.yaml";
    testing::write_file(file, "user: alice\nsync:\n  endpoint: usage.example.com\n");
    const std::string bad_url = "usage-agent: " + file.string() +
                                ":3: 'sync.endpoint' must be an http:// or https:// URL or a file:/// folder, got "
                                "'usage.example.com'\n";
    fails(h.run({"config", "check", "--config", file.string()}), 1, bad_url);
    fails(h.run({"sync", "--once", "--config", file.string()}), 1, bad_url);

    testing::write_file(file, "user: alice\nsync:\n  batch_size: 3\n  batch_size: 4\n");
    fails(h.run({"config", "check", "--config", file.string()}), 1,
          "usage-agent: " + file.string() + ":4: duplicate key 'sync.batch_size' (first on line 3)\n");
    testing::write_file(file, "- user: alice\n");
    fails(h.run({"config", "check", "--config", file.string()}), 1,
          "usage-agent: " + file.string() +
              ":1: the file must be a mapping of settings (`key: value` lines), not a list\n");
}
