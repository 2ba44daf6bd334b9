// The repository of each call: resolved from the project folder's git remote
// at scan time (credentials removed), kept in the agent's store, pushed in
// the protocol's `repository` field, and kept by the endpoint, on SQLite and
// on PostgreSQL; a group and a filter of `report` and of the read API.
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

// (key, events, input tokens) of each row of a report's JSON.
Rows keyed(const nlohmann::json& report) {
    Rows out;
    for (const auto& r : report["rows"])
        out.push_back({r["key"].get<std::string>(), std::to_string(r["events"].get<std::int64_t>()),
                       std::to_string(r["input_tokens"].get<std::int64_t>())});
    return out;
}

const Rows kByRepository = {{"", "1", "10"}, {"https://github.com/acme/api.git", "1", "10"}};

// The endpoint answers by repository and filters by it (whatever its store).
void check_read_api(const testing::ServeProcess& server, const std::string& token) {
    CHECK(keyed(serve_test::get_json(server, "/api/v1/by-repository?range=all", token)) == kByRepository);
    const auto one = serve_test::get_json(
        server, "/api/v1/by-model?range=all&repository=https%3A%2F%2Fgithub.com%2Facme%2Fapi.git", token);
    CHECK(one["totals"]["events"] == 1);
    CHECK(one["totals"]["sessions"] == 1);
}

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
    check_read_api(server, token);
    CHECK(server.stop() == 0);
    CHECK(repositories(server_home.dir / "state" / "usage.db") == kExpected);

    // The laptop's own report, grouped and filtered.
    auto r = laptop.run({"report", "repositories", "--json", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    CHECK(keyed(nlohmann::json::parse(r.out)) == kByRepository);
    r = laptop.run({"report", "sessions", "--json", "--no-scan", "--repository", "https://github.com/acme/api.git"});
    REQUIRE(r.exit_code == 0);
    CHECK(keyed(nlohmann::json::parse(r.out)) == Rows{{"s-r", "1", "10"}});
    r = laptop.run({"report", "repositories", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    INFO(r.out);
    CHECK(r.out.find("REPOSITORY") != std::string::npos);
    CHECK(r.out.find("(none)") != std::string::npos);
    CHECK(r.out.find("\ngithub.com/acme/api ") != std::string::npos);  // scheme and .git left out
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
    check_read_api(server, added.out.substr(0, added.out.find('\n')));
}
#endif
