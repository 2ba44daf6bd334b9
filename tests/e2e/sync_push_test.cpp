// End to end: `sync --once` pushing to the real `serve --ingest` on
// 127.0.0.1: delivery on one kept-alive connection, the endpoint's own
// new/updated figures, refused tokens (401, 403), a locked endpoint store
// (503 + Retry-After), refusals that stop the push, and a changed endpoint.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "push_helpers.hpp"

using push_test::Endpoint;
using push_test::push_json;
using push_test::PushHome;

namespace {

/// Whether the text output of `sync` has a line starting with `prefix` (the
/// sources print in registry order, so claude-code is not always first).
bool has_scan_line(const std::string& out, const std::string& prefix) {
    return out.starts_with(prefix) || out.find("\n" + prefix) != std::string::npos;
}

/// The per-source stats of `sync --json` for `source`.
nlohmann::json source_stats(const nlohmann::json& out, const std::string& source) {
    for (const auto& s : out.at("sources"))
        if (s.at("source") == source) return s;
    FAIL("no " << source << " in " << out.dump());
    return {};
}

}  // namespace

TEST_CASE(
    "push: batches reach the real endpoint on one connection, a second run sends nothing, new and grown calls "
    "follow") {
    Endpoint team;
    PushHome h(team.url(), team.token, "  batch_size: 2\n");
    h.add_calls(1, 3);
    const std::string url = team.url();
    CHECK(h.sync_json()["push"] == push_json("delivered", 3, 3, 0, 2, 0, 1, 3, 0, 0, nlohmann::json::array(), 0,
                                             "pushed 3 events in 2 batches to " + url));
    auto totals = team.totals();
    CHECK(totals["events"] == 3);
    CHECK(totals["input_tokens"] == 15);
    CHECK(totals["output_tokens"] == 10 + 20 + 30);
    CHECK(serve_test::row(serve_test::get_json(team.server, "/api/v1/by-machine", team.reader), "box-1")["events"] ==
          3);
    CHECK(serve_test::row(serve_test::get_json(team.server, "/api/v1/by-user", team.reader), "alice")["events"] == 3);
    CHECK(h.status()["push"]["rows_waiting"] == 0);

    auto again = h.run({"sync", "--once"});
    REQUIRE(again.exit_code == 0);
    CHECK(again.out.ends_with("\npush: nothing to push\n"));
    CHECK(h.sync_json()["push"] ==
          push_json("nothing_to_send", 0, 0, 0, 0, 0, 0, 0, 0, 0, nlohmann::json::array(), 0, "nothing to push"));

    h.add_calls(4, 1);
    auto one = h.run({"sync", "--once"});
    REQUIRE(one.exit_code == 0);
    CHECK(one.out.ends_with("\npush: pushed 1 event in 1 batch to " + url + "\n"));
    CHECK(team.totals()["events"] == 4);

    // A streaming copy of msg_1 read later with more output: sent again, the
    // endpoint counts it as updated and converges to the larger count.
    testing::append_file(h.transcript, PushHome::line("msg_1", 500));
    CHECK(h.sync_json()["push"] == push_json("delivered", 1, 1, 0, 1, 0, 1, 0, 1, 0, nlohmann::json::array(), 0,
                                             "pushed 1 event in 1 batch to " + url));
    CHECK(team.totals()["output_tokens"] == 500 + 20 + 30 + 40);
}

TEST_CASE("push: an unknown token (401) and a revoked one (403) stop the push, nothing is lost, a valid one delivers") {
    Endpoint team;
    PushHome h(team.url(), "ua_not_a_token_of_this_endpoint");
    h.add_calls(1, 3);
    const std::string refused_401 =
        team.url() + " refused the token (HTTP 401): check sync.token_file or USAGE_AGENT_TOKEN";
    auto sync = h.run({"sync", "--once"});
    CHECK(sync.exit_code == 1);
    CHECK(sync.err == "usage-agent: push: " + refused_401 + "\n");
    CHECK(has_scan_line(sync.out, "claude-code: 1 of 1 files read, 3 new events, 0 updated, "));  // the scan completed
    auto status = h.status()["push"];
    CHECK(status["rows_waiting"] == 3);
    CHECK(status["last_success"].is_null());
    CHECK(status["last_result"] == refused_401);

    const std::string revoked = serve_test::add_token(team.home, "carol", "member");
    REQUIRE(team.home.run({"serve", "token", "revoke", "3"}).exit_code == 0);  // alice 1, boss 2, carol 3
    h.env["USAGE_AGENT_TOKEN"] = revoked;                                      // the environment wins over the file
    CHECK(h.sync_json(1)["push"] ==
          push_json("auth_refused", 3, 0, 0, 0, 0, 1, 0, 0, 0, nlohmann::json::array(), 3,
                    team.url() + " refused the token (HTTP 403): check sync.token_file or USAGE_AGENT_TOKEN"));
    CHECK(team.totals()["events"] == 0);

    h.env["USAGE_AGENT_TOKEN"] = team.token;
    CHECK(h.sync_json()["push"]["sent"] == 3);
    CHECK(serve_test::row(serve_test::get_json(team.server, "/api/v1/by-user", team.reader), "alice")["events"] == 3);
    CHECK(h.status()["push"]["rows_waiting"] == 0);
}

TEST_CASE("push: a locked endpoint store answers 503 with Retry-After, the agent waits it out and delivers") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    h.add_calls(1, 3);
    testing::RunResult pushed;
    std::chrono::steady_clock::duration took{};
    {
        // Another writer (a local `sync` on the endpoint's machine) holds the write lock.
        SQLite::Database db((team.home.dir / "state" / "usage.db").string(), SQLite::OPEN_READWRITE);
        db.exec("BEGIN IMMEDIATE");
        std::thread agent([&] {
            const auto start = std::chrono::steady_clock::now();
            pushed = h.run({"sync", "--once", "--json"});
            took = std::chrono::steady_clock::now() - start;
        });
        // Released once the endpoint has refused the batch (it logs why).
        for (int i = 0; i < 600 && team.server.err().find("store error") == std::string::npos; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK(team.server.err().find("POST /v1/ingest: store error: database is locked") != std::string::npos);
        db.exec("ROLLBACK");
        agent.join();
    }
    INFO("stderr: " << pushed.err);
    REQUIRE(pushed.exit_code == 0);
    CHECK(nlohmann::json::parse(pushed.out)["push"] == push_json("delivered", 3, 3, 0, 1, 1, 1, 3, 0, 0,
                                                                 nlohmann::json::array(), 0,
                                                                 "pushed 3 events in 1 batch to " + team.url()));
    CHECK(took >= std::chrono::seconds(5));  // Retry-After: 5
    CHECK(team.totals()["events"] == 3);
}

TEST_CASE("push: a changed sync.endpoint starts a new mark, the old endpoint keeps its own") {
    Endpoint first;
    Endpoint second;
    PushHome h(first.url(), first.token);
    h.add_calls(1, 3);
    CHECK(h.sync_json()["push"]["sent"] == 3);

    h.configure(second.url());
    h.set_token(second.token);
    CHECK(h.status()["push"]["rows_waiting"] == 3);  // nothing acknowledged by this one yet
    CHECK(h.sync_json()["push"] == push_json("delivered", 3, 3, 0, 1, 0, 1, 3, 0, 0, nlohmann::json::array(), 0,
                                             "pushed 3 events in 1 batch to " + second.url()));
    CHECK(second.totals()["events"] == 3);

    h.add_calls(4, 1);
    CHECK(h.sync_json()["push"]["sent"] == 1);
    h.configure(first.url());
    h.set_token(first.token);
    // Back to the first endpoint: only what it has not acknowledged.
    CHECK(h.sync_json()["push"] == push_json("delivered", 1, 1, 0, 1, 0, 1, 1, 0, 0, nlohmann::json::array(), 0,
                                             "pushed 1 event in 1 batch to " + first.url()));
    CHECK(first.totals()["events"] == 4);
    CHECK(second.totals()["events"] == 4);
}

TEST_CASE("push: a refusal that names no event (404 wrong path, 400 about the batch) stops the push with one line") {
    Endpoint team;
    PushHome h(team.url() + "/team", team.token);
    h.add_calls(1, 3);
    auto sync = h.run({"sync", "--once"});
    CHECK(sync.exit_code == 1);
    const std::string not_found = team.url() + "/team refused a batch (HTTP 404): no such path '/team/v1/ingest'";
    CHECK(sync.err == "usage-agent: push: " + not_found + "\n");
    CHECK(h.status()["push"]["rows_waiting"] == 3);

    // A store whose machine id was lost: the endpoint refuses the whole batch.
    h.configure(team.url());
    {
        SQLite::Database db(h.store_file().string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE machines SET id = '' WHERE id = (SELECT value FROM meta WHERE key = 'machine_id')");
        db.exec("UPDATE meta SET value = '' WHERE key = 'machine_id'");
    }
    CHECK(h.sync_json(1)["push"] ==
          push_json("refused", 3, 0, 0, 0, 0, 1, 0, 0, 0, nlohmann::json::array(), 3,
                    team.url() + " refused a batch (HTTP 400): 'machine.id' must not be empty"));
    auto status = h.status()["push"];
    CHECK(status["rows_waiting"] == 3);
    CHECK(status["set_aside"] == 0);
    CHECK(team.totals()["events"] == 0);
}

TEST_CASE("sync: a push that cannot start still prints the scan, then why, and exits 1") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    h.add_calls(1, 3);
    ::chmod(h.token_file.c_str(), 0644);
    const std::string mode = h.token_file.string() + ": token file is mode 0644, readable by others; run: chmod 600 " +
                             h.token_file.string();
    auto text = h.run({"sync", "--once"});
    CHECK(text.exit_code == 1);
    CHECK(has_scan_line(text.out, "claude-code: 1 of 1 files read, 3 new events, 0 updated, "));
    CHECK(text.out.find("push") == std::string::npos);
    CHECK(text.err == "usage-agent: push: " + mode + "\n");

    testing::append_file(h.transcript, PushHome::line("msg_4", 40));
    auto json = h.run({"sync", "--once", "--json"});
    CHECK(json.exit_code == 1);
    CHECK(json.err == "usage-agent: push: " + mode + "\n");
    auto out = nlohmann::json::parse(json.out);
    CHECK(source_stats(out, "claude-code")["events_new"] == 1);
    CHECK(out["push"] == push_json("not_started", 4, 0, 0, 0, 0, 0, 0, 0, 0, nlohmann::json::array(), 4, mode));

    h.configure(team.url(), "", false);  // an endpoint and no token at all
    const std::string none =
        "sync.endpoint is " + team.url() + " but no token is configured: set sync.token_file or USAGE_AGENT_TOKEN";
    auto missing = h.run({"sync", "--once"});
    CHECK(missing.exit_code == 1);
    CHECK(has_scan_line(missing.out, "claude-code: 0 of 1 files read, 0 new events, 0 updated, "));
    CHECK(missing.err == "usage-agent: push: " + none + "\n");
    CHECK(h.sync_json(1)["push"] ==
          push_json("not_started", 4, 0, 0, 0, 0, 0, 0, 0, 0, nlohmann::json::array(), 4, none));

    auto quiet = h.run({"sync", "--once", "--no-push", "--json"});
    CHECK(quiet.exit_code == 0);
    CHECK(nlohmann::json::parse(quiet.out)["push"].is_null());
    CHECK(team.totals()["events"] == 0);  // nothing ever reached the endpoint
    CHECK(h.status()["push"]["rows_waiting"] == 4);
}

TEST_CASE("push: a project folder whose name is not UTF-8 is stored with '?', reported and pushed like any other") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    // No cwd in the line: the project is the folder's name, Latin-1 bytes.
    testing::write_file(h.dir / "home" / ".claude" / "projects" / "-w-caf\xe9" / "s2.jsonl",
                        claude_test::Assistant("msg_9", "req_msg_9", 5, 0, 0, 7)
                            .session("s2")
                            .cwd(std::nullopt)
                            .at("2026-01-10T11:00:00.000Z")
                            .line());
    CHECK(h.sync_json()["push"]["sent"] == 1);
    CHECK(h.report("projects")["rows"][0]["key"] == "-w-caf?");
    CHECK(h.status()["push"]["rows_waiting"] == 0);
    auto projects = serve_test::get_json(team.server, "/api/v1/by-project", team.reader);
    CHECK(serve_test::row(projects, "-w-caf?")["output_tokens"] == 7);
}
