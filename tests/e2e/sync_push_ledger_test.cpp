// The session cost ledger travels with the push (docs/sync-protocol.md,
// `session_costs`): the real agent, fed Claude Code's statusline JSON, and the
// real `serve --ingest`, whose sessions view then shows the figure too.
#include "push_helpers.hpp"

using namespace push_test;

namespace {

nlohmann::json team_session(const Endpoint& team, const std::string& id) {
    return serve_test::row(serve_test::get_json(team.server, "/api/v1/sessions", team.reader), id);
}

}  // namespace

TEST_CASE("push: the session cost ledger reaches the endpoint, alone or with events, once per new figure") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    const std::string url = team.url();
    h.add_calls(1, 2);
    CHECK(h.sync_json()["push"]["message"] == "pushed 2 events in 1 batch to " + url);
    CHECK(team_session(team, "s1")["ledger_cost_usd"].is_null());

    // A figure and no new event: it goes alone.
    statusline_cost(h, "0.75");
    CHECK(h.sync_json()["push"]["message"] == "pushed 0 events in 1 batch to " + url + " with 1 session cost");
    auto s1 = team_session(team, "s1");
    CHECK(s1["ledger_cost_usd"] == 0.75);
    CHECK(s1["session_cost_usd"] == 0.75);
    CHECK(s1["session_cost_origin"] == "ledger");
    CHECK(s1["events"] == 2);
    CHECK(h.sync_json()["push"]["message"] == "nothing to push");

    // A larger figure and a new call: together, in one batch.
    statusline_cost(h, "1.5");
    h.add_calls(3, 1);
    CHECK(h.sync_json()["push"]["message"] == "pushed 1 event in 1 batch to " + url + " with 1 session cost");
    s1 = team_session(team, "s1");
    CHECK(s1["ledger_cost_usd"] == 1.5);
    CHECK(s1["events"] == 3);
    // The same figure again is no new figure: nothing to send.
    statusline_cost(h, "1.5");
    CHECK(h.sync_json()["push"]["message"] == "nothing to push");
}
