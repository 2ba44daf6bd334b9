// The repository of each call: resolved from the project folder's git remote
// at scan time (credentials removed), kept in the agent's store, pushed in
// the protocol's `repository` field, and kept by the endpoint, on SQLite and
// on PostgreSQL.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include "push_helpers.hpp"
#include "serve_helpers.hpp"
#include "transcripts/claude_lines.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "postgres_server.hpp"
#endif

namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows repositories(const std::filesystem::path& db) {
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    SQLite::Statement st(d, "SELECT id, repository FROM events ORDER BY id");
    Rows out;
    while (st.executeStep()) out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString()});
    return out;
}

// A machine whose calls happen in a clone (origin with a token in its URL)
// and in a folder outside any repository.
void add_calls(const push_test::TeamMachine& m) {
    const auto clone = m.dir / "work" / "api";
    testing::write_file(clone / ".git" / "config",
                        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://bob:ghp_t0ken@github.com/acme/"
                        "api.git\n");
    std::filesystem::create_directories(clone / "services" / "billing");
    std::filesystem::create_directories(m.dir / "scratch");
    testing::append_file(m.transcript, claude_test::Assistant("msg_r1", "req_r1", 10, 0, 0, 5)
                                               .session("s-r")
                                               .cwd((clone / "services" / "billing").string())
                                               .at("2026-01-10T10:00:00.000Z")
                                               .line() +
                                           claude_test::Assistant("msg_r2", "req_r2", 10, 0, 0, 5)
                                               .session("s-r")
                                               .cwd((m.dir / "scratch").string())
                                               .at("2026-01-10T10:01:00.000Z")
                                               .line());
}

const Rows kExpected = {{"claude-code:msg_r1:req_r1", "https://github.com/acme/api.git"},
                        {"claude-code:msg_r2:req_r2", ""}};

}  // namespace

TEST_CASE("repository: resolved at scan time, stored, pushed and kept by a SQLite endpoint") {
    testing::AgentHome server_home;
    const std::string token = serve_test::add_token(server_home, "bob", "member");
    testing::ServeProcess server(server_home, {"--ingest"});
    push_test::TeamMachine laptop("laptop", server.url(""), token);
    add_calls(laptop);
    const auto pushed = laptop.sync();
    CHECK(pushed["push"]["endpoint_new"] == 2);
    CHECK(repositories(laptop.dir / "state" / "usage.db") == kExpected);
    CHECK(server.stop() == 0);
    CHECK(repositories(server_home.dir / "state" / "usage.db") == kExpected);
}

TEST_CASE("repository: a folder that becomes a clone fills the calls stored before, on a full rescan") {
    testing::AgentHome server_home;
    const std::string token = serve_test::add_token(server_home, "bob", "member");
    testing::ServeProcess server(server_home, {"--ingest"});
    push_test::TeamMachine laptop("laptop", server.url(""), token);
    add_calls(laptop);
    const auto clone_git = laptop.dir / "work" / "api" / ".git";
    std::filesystem::rename(clone_git, laptop.dir / "git-aside");  // not a clone yet
    CHECK(laptop.sync()["push"]["endpoint_new"] == 2);
    CHECK(repositories(laptop.dir / "state" / "usage.db") ==
          Rows{{"claude-code:msg_r1:req_r1", ""}, {"claude-code:msg_r2:req_r2", ""}});
    std::filesystem::rename(laptop.dir / "git-aside", clone_git);
    auto r = laptop.run({"sync", "--once", "--full-rescan", "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["push"]["endpoint_updated"] == 1);
    CHECK(repositories(laptop.dir / "state" / "usage.db") == kExpected);
    CHECK(server.stop() == 0);
    CHECK(repositories(server_home.dir / "state" / "usage.db") == kExpected);
}

#ifdef USAGE_WITH_POSTGRES
TEST_CASE("repository: kept by a PostgreSQL endpoint") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const std::string db = pg->fresh_database();
    testing::AgentHome server_home;
    auto added = server_home.run({"serve", "token", "add", "--store", db, "--user", "bob", "--role", "member"});
    REQUIRE(added.exit_code == 0);
    testing::ServeProcess server(server_home, {"--ingest", "--store", db});
    push_test::TeamMachine laptop("laptop", server.url(""), added.out.substr(0, added.out.find('\n')));
    add_calls(laptop);
    CHECK(laptop.sync()["push"]["endpoint_new"] == 2);
    testing::PgConnection check(db);
    CHECK(check.query("SELECT id, repository FROM events ORDER BY id COLLATE \"C\"") == kExpected);
}
#endif
