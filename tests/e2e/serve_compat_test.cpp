// The API paths other dashboards call (compat_paths.hpp): each answers
// exactly what its /api/v1 route answers, with the same scoping; the
// cost breakdown; and POST /api/usage/refresh, which scans in local mode.
#include "serve_local_home.hpp"

using namespace serve_test;

TEST_CASE("serve compat: /api/usage/* and /:org/sessions/analytics/* answer as their /api/v1 routes") {
    LocalHome home;
    REQUIRE(home.run({"sync", "--once"}).exit_code == 0);
    testing::ServeProcess server(home);
    const std::pair<std::string, std::string> same[] = {
        {"/api/usage/summary", "/api/v1/summary"},
        {"/api/usage/daily?tz=Europe/Berlin", "/api/v1/timeseries?bucket=day&tz=Europe/Berlin"},
        {"/api/usage/hourly?range=all", "/api/v1/timeseries?bucket=hour&range=all"},
        {"/api/usage/models", "/api/v1/by-model"},
        {"/api/usage/sessions?limit=1", "/api/v1/sessions?limit=1"},
        {"/api/usage/insights", "/api/v1/insights"},
        {"/acme/sessions/analytics/summary?source=claude-code", "/api/v1/summary?source=claude-code"},
        {"/acme/sessions/analytics/timeseries?bucket=week", "/api/v1/timeseries?bucket=week"},
        {"/any-org/sessions/analytics/by-agent", "/api/v1/by-source"},
        {"/acme/sessions/analytics/cost-breakdown", "/api/v1/cost-breakdown"},
    };
    for (const auto& [alias, canonical] : same) {
        INFO(alias);
        CHECK(get_json(server, alias) == get_json(server, canonical));
    }
    const auto agents = get_json(server, "/acme/sessions/analytics/by-agent");
    REQUIRE(agents["rows"].size() == 1);
    const auto& claude = agents["rows"][0];
    CHECK(claude["key"] == "claude-code");
    CHECK(claude["sessions"] == 2);
    CHECK(claude["total_tokens"] == 1390);
    CHECK(claude["avg_session_seconds"] == 15300.0);
    CHECK(claude["avg_cost_usd_per_session"] == agents["totals"]["avg_cost_usd_per_session"]);

    const auto breakdown = get_json(server, "/acme/sessions/analytics/cost-breakdown?range=all");
    CHECK(breakdown["totals"] == get_json(server, "/api/v1/summary?range=all")["totals"]);
    CHECK(breakdown["by_model"] == get_json(server, "/api/v1/by-model?range=all")["rows"]);
    CHECK(breakdown["by_project"] == get_json(server, "/api/v1/by-project?range=all")["rows"]);
    CHECK(breakdown["by_user"] == get_json(server, "/api/v1/by-user?range=all")["rows"]);
    CHECK(breakdown["by_model"].size() == 2);
    CHECK(breakdown["by_project"].size() == 2);

    for (const std::string path : {"/api/usage/weekly", "/acme/sessions/analytics/nothing",
                                   "//sessions/analytics/summary", "/acme/other/analytics/summary"}) {
        INFO(path);
        CHECK(get(server, path).status == 404);
    }
    CHECK(error_of(get(server, "/api/usage/daily?bucket=hour")) == "parameter 'bucket' given more than once");
    CHECK(server.stop() == 0);
}

TEST_CASE("serve compat: POST /api/usage/refresh scans this machine in local mode, is 204 for a team") {
    LocalHome home;  // not scanned yet
    {
        testing::ServeProcess server(home);
        CHECK(get_json(server, "/api/v1/summary")["totals"]["events"] == 0);
        usage::HttpClient client;
        // Only JSON: a form on another site cannot start scans.
        const auto form =
            client.post(server.url("/api/usage/refresh"), "a=1", {"Content-Type: application/x-www-form-urlencoded"});
        CHECK(form.status == 415);
        CHECK(error_of(form) == "refresh with Content-Type: application/json (body {} or empty)");
        const std::vector<std::string> json = {"Content-Type: application/json"};
        const auto first = client.post(server.url("/api/usage/refresh"), "{}", json);
        REQUIRE(first.status == 200);
        const auto stats = nlohmann::json::parse(first.body)["sources"];
        const auto claude =
            std::find_if(stats.begin(), stats.end(), [](const auto& s) { return s["source"] == "claude-code"; });
        REQUIRE(claude != stats.end());
        CHECK((*claude)["events_new"] == 3);
        CHECK(get_json(server, "/api/v1/summary")["totals"]["events"] == 3);
        const auto again =
            nlohmann::json::parse(client.post(server.url("/api/usage/refresh"), "", json).body)["sources"];
        for (const auto& s : again) CHECK(s["events_new"] == 0);
        CHECK(get(server, "/api/usage/refresh").status == 405);
        CHECK(server.stop() == 0);
    }
    const std::string alice = add_token(home, "alice", "member");
    testing::ServeProcess team(home, {"--ingest"});
    usage::HttpClient client;
    CHECK(client.post(team.url("/api/usage/refresh"), "", {"Content-Type: application/json"}).status == 401);
    CHECK(client
              .post(team.url("/api/usage/refresh"), "",
                    {"Content-Type: application/json", "Authorization: Bearer " + alice})
              .status == 204);
    // The aliases keep the read API's scoping.
    CHECK(get(team, "/api/usage/summary").status == 401);
    CHECK(error_of(get(team, "/api/usage/summary?user=bob", alice)) ==
          "a member token reads only its own user's usage ('alice')");
    CHECK(team.stop() == 0);
}
