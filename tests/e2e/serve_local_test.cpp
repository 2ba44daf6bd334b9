// `usage-agent serve` without --ingest: this machine's store over HTTP on
// loopback, no tokens, the same JSON as `report --json`. Plus the process
// contract (listening line, port taken, SIGTERM) and `serve token` on the CLI.
#include <chrono>
#include <filesystem>
#include <thread>

#include "serve_local_home.hpp"

using namespace serve_test;

TEST_CASE("serve local: no tokens, the same JSON as report --json for every view") {
    LocalHome home;
    REQUIRE(home.run({"sync", "--once"}).exit_code == 0);
    testing::ServeProcess server(home);

    const std::pair<std::string, std::string> views[] = {
        {"/api/v1/summary", "summary"},
        {"/api/v1/by-source", "sources"},
        {"/api/v1/by-model", "models"},
        {"/api/v1/by-project", "projects"},
        {"/api/v1/by-machine", "machines"},
        {"/api/v1/by-user", "users"},
        {"/api/v1/by-repository", "repositories"},
        {"/api/v1/sessions", "sessions"},
        {"/api/v1/timeseries", "daily"},
        {"/api/v1/timeseries?bucket=hour", "hourly"},
        {"/api/v1/timeseries?bucket=week", "weekly"},
        {"/api/v1/timeseries?bucket=month", "monthly"},
    };
    for (const auto& [path, view] : views) {
        INFO(path);
        auto api = get_json(server, path);  // no token needed
        CHECK(api.contains("paging"));
        api.erase("paging");
        CHECK(api == home.report(view));
    }
    auto full = get_json(server, "/api/v1/sessions?full=1&tz=Europe/Berlin&since=2026-01-11");
    full.erase("paging");
    CHECK(full == home.report("sessions", {"--full", "--tz", "Europe/Berlin", "--since", "2026-01-11"}));

    auto s = get_json(server, "/api/v1/summary");
    CHECK(s["totals"]["events"] == 3);
    CHECK(s["totals"]["sessions"] == 2);
    CHECK(s["totals"]["users"] == 1);
    CHECK(s["totals"]["machines"] == 1);
    CHECK(s["totals"]["avg_tokens_per_session"] == 695);   // 1390 / 2
    CHECK(s["totals"]["avg_session_seconds"] == 15300.0);  // (8.5 h + 0) / 2
    CHECK(get_json(server, "/api/v1/by-user")["rows"][0]["key"] == "tester");

    // No uploads in local mode.
    auto up = ingest(server, batch("m", "x", {{"msg_z:r", "s", kJan10, 1, 1}}), "");
    CHECK(up.status == 404);
    CHECK(error_of(up).find("start it with `usage-agent serve --ingest`") != std::string::npos);
    CHECK(healthy(server));
    CHECK(server.stop() == 0);
}

TEST_CASE("serve local: answers only requests for a loopback Host (DNS rebinding)") {
    LocalHome home;
    REQUIRE(home.run({"sync", "--once"}).exit_code == 0);
    testing::ServeProcess server(home);
    const std::string port = std::to_string(server.port());
    auto with_host = [&](const std::string& path, const std::string& host) {
        usage::HttpClient client;
        return client.get(server.url(path), {"Host: " + host});
    };
    for (const std::string& host :
         std::vector<std::string>{"localhost", "localhost:" + port, "LOCALHOST:" + port, "127.0.0.1",
                                  "127.0.0.1:" + port, "127.1.2.3:" + port, "[::1]", "[::1]:" + port}) {
        INFO(host);
        const auto r = with_host("/api/v1/summary", host);
        CHECK(r.status == 200);
        CHECK(nlohmann::json::parse(r.body)["totals"]["events"] == 3);
    }
    for (const std::string& host : std::vector<std::string>{
             "evil.example", "evil.example:" + port, "localhost.evil.example", "127.0.0.1.evil.example",
             "10.0.0.1:" + port, "[::2]:" + port, "::1", "localhost:80x", ""}) {
        INFO(host);
        const auto r = with_host("/api/v1/summary", host);
        CHECK(r.status == 403);
        CHECK(error_of(r) == "Host '" + host +
                                 "' is not a loopback name: without --ingest, serve answers only requests for "
                                 "localhost, 127.0.0.1 or [::1] (a page elsewhere must not read this data)");
        CHECK(r.body.find("\"events\"") == std::string::npos);
    }
    CHECK(with_host("/healthz", "evil.example").status == 403);
    CHECK(server.stop() == 0);
}

TEST_CASE("serve local: refuses a non-loopback address, clear errors for a taken port and a bad address") {
    testing::AgentHome home;
    auto open = home.run({"serve", "--listen", "0.0.0.0:0"});
    CHECK(open.exit_code == 2);
    CHECK(open.err.find("without --ingest the read API needs no token, so it only binds loopback") !=
          std::string::npos);

    auto bad = home.run({"serve", "--listen", "localhost"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--listen 'localhost': no port") != std::string::npos);
    CHECK(home.run({"serve", "--listen", "127.0.0.1:99999"}).exit_code == 2);

    testing::ServeProcess first(home);
    const std::string taken = "127.0.0.1:" + std::to_string(first.port());
    auto second = home.run({"serve", "--listen", taken});
    CHECK(second.exit_code == 1);
    CHECK(second.err == "usage-agent: cannot listen on " + taken +
                            ": the address is already in use (another server on this port?)\n");
    CHECK(healthy(first));
    CHECK(first.stop() == 0);
}

TEST_CASE("serve token: add prints the token once, list shows it, revoke marks it") {
    testing::AgentHome home;
    auto none = home.run({"serve", "token", "list"});
    REQUIRE(none.exit_code == 0);
    CHECK(none.out.find("no tokens") != std::string::npos);

    auto add = home.run({"serve", "token", "add", "--user", "alice", "--role", "manager"});
    REQUIRE(add.exit_code == 0);
    const std::string token = add.out.substr(0, add.out.find('\n'));
    CHECK(add.out == token + "\n");
    CHECK(token.rfind("ua_", 0) == 0);
    CHECK(add.err.find("token 1 for alice (manager)") != std::string::npos);
    const std::string second = add_token(home, "bob", "member");
    CHECK(second != token);

    auto list = nlohmann::json::parse(home.run({"serve", "token", "list", "--json"}).out);
    REQUIRE(list.size() == 2);
    CHECK(list[0]["id"] == 1);
    CHECK(list[0]["user"] == "alice");
    CHECK(list[0]["role"] == "manager");
    CHECK(list[0]["prefix"] == token.substr(0, 9));
    CHECK(list[0]["revoked"].is_null());
    CHECK(list[0]["created"].get<std::string>().size() == 24);
    // The token itself is stored nowhere: only its hash.
    for (const char* file : {"usage.db", "usage.db-wal"})
        CHECK(testing::read_file(home.dir / "state" / file).find(token.substr(3)) == std::string::npos);

    auto revoke = home.run({"serve", "token", "revoke", "1"});
    REQUIRE(revoke.exit_code == 0);
    CHECK(revoke.out == "token 1 revoked\n");
    list = nlohmann::json::parse(home.run({"serve", "token", "list", "--json"}).out);
    CHECK(list[0]["revoked"].is_string());
    CHECK(list[1]["revoked"].is_null());
    auto table = home.run({"serve", "token", "list"});
    CHECK(table.out.find("alice") != std::string::npos);
    CHECK(table.out.find(token.substr(0, 9) + "...") != std::string::npos);

    auto unknown = home.run({"serve", "token", "revoke", "42"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err == "usage-agent: no token with id 42\n");
    CHECK(home.run({"serve", "token", "add", "--user", "x", "--role", "owner"}).exit_code == 2);
    CHECK(home.run({"serve", "token", "add", "--role", "member"}).exit_code == 2);
    CHECK(home.run({"serve", "token"}).exit_code == 2);
}

TEST_CASE("serve local: --open starts $BROWSER with the dashboard's URL") {
    testing::AgentHome home;
    const auto opened = home.dir.path() / "opened";
    const auto browser = home.dir.path() / "browser.sh";
    const auto sockets = home.dir.path() / "sockets";
    // It records its arguments, and how many sockets it inherited (none: it
    // may outlive serve and must not hold its port).
    testing::write_file(browser, "#!/bin/sh\nls -l /proc/$$/fd | grep -c socket > '" + sockets.string() +
                                     "'\nprintf '%s' \"$*\" > '" + opened.string() + "'\n");
    std::filesystem::permissions(browser, std::filesystem::perms::owner_all);
    home.env["BROWSER"] = browser.string() + " --new-window";
    testing::ServeProcess server(home, {"--open"});
    for (int i = 0; i < 100 && !std::filesystem::exists(opened); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(testing::read_file(opened) == "--new-window " + server.url("/"));
    CHECK(testing::read_file(sockets) == "0\n");
    CHECK(server.stop() == 0);
}
