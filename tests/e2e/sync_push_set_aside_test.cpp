// End to end: one event the real `serve --ingest` refuses never blocks the
// push. The poisoned row arises as it does in the field: a store written by
// an older version holding a negative count, changed after it was sent.
// Also `status`: its text and every field of its JSON.
#include <doctest/doctest.h>

#include "push_helpers.hpp"
#include "usage/sync/protocol.hpp"

using push_test::Endpoint;
using push_test::push_json;
using push_test::PushHome;

namespace {

// What an older version could have stored: input -5 for msg_2, with the new
// change_seq any change of a row gets.
void poison_msg_2(const PushHome& h) {
    SQLite::Database db(h.store_file().string(), SQLite::OPEN_READWRITE);
    const int changed = db.exec(
        "UPDATE events SET input = -5, change_seq = (SELECT max(change_seq) + 1 FROM events) "
        "WHERE id = '" +
        PushHome::id_of(2) + "'");
    REQUIRE(changed == 1);
}

// The endpoint's reason for refusing a negative input as event `index` of a
// batch, from the very decoder `serve` runs (whatever its wording).
std::string reason_for_negative_input(std::size_t index) {
    usage::sync::IngestBatch batch;
    batch.machine.id = "m";
    for (std::size_t i = 0; i <= index; ++i) {
        usage::sync::WireEvent w;
        w.event.id = "x:" + std::to_string(i);
        w.event.source = "x";
        w.event.tokens.input = i == index ? -5 : 5;
        batch.events.push_back(w);
    }
    try {
        (void)usage::sync::decode_batch(usage::sync::encode_batch(batch));
    } catch (const usage::sync::ProtocolError& e) {
        return e.what();
    }
    FAIL("the decoder accepted a negative input");
    return {};
}

bool is_utc_time(const nlohmann::json& v) {
    return v.is_string() && testing::has_shape(v.get<std::string>(), "dddd-dd-ddTdd:dd:dd.dddZ");
}

}  // namespace

TEST_CASE("push: an event the endpoint refuses is set aside with its reason, the rest and all after it delivered") {
    Endpoint team;
    PushHome h(team.url(), team.token, "  batch_size: 2\n");
    h.add_calls(1, 5);
    REQUIRE(h.sync_json()["push"]["sent"] == 5);
    h.add_calls(6, 1);
    REQUIRE(h.run({"sync", "--once", "--no-push"}).exit_code == 0);
    poison_msg_2(h);  // after msg_6 in change order: the second row of the next batch
    h.add_calls(7, 2);

    // Outbox: [msg_6, msg_2] [msg_7, msg_8]. msg_2 is refused by name and set
    // aside; msg_6 goes again alone at once, then the next batch.
    const std::string reason = reason_for_negative_input(1);
    CHECK(reason.starts_with("'events[1].tokens.input' "));
    const nlohmann::json set_aside = nlohmann::json::array({{{"id", PushHome::id_of(2)}, {"reason", reason}}});
    const std::string message = "pushed 3 events in 2 batches to " + team.url() +
                                "; set aside 1 row the endpoint refused (see `usage-agent status`)";
    auto sync = h.run({"sync", "--once", "--json"});
    REQUIRE(sync.exit_code == 0);
    CHECK(sync.err == "warning: push: the endpoint refused " + PushHome::id_of(2) +
                          "; set aside until it changes: " + reason + "\n");
    CHECK(nlohmann::json::parse(sync.out)["push"] ==
          push_json("delivered", 4, 3, 0, 2, 0, 1, 3, 0, 0, set_aside, 0, message));
    auto totals = team.totals();
    CHECK(totals["events"] == 8);
    CHECK(totals["input_tokens"] == 8 * 5);  // msg_2 as first sent, never -5
    CHECK(totals["output_tokens"] == 10 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8));

    // status: 1 set aside with the endpoint's reason, nothing waiting.
    auto status = h.status()["push"];
    CHECK(status["set_aside"] == 1);
    REQUIRE(status["set_aside_last"].size() == 1);
    CHECK(status["set_aside_last"][0]["id"] == PushHome::id_of(2));
    CHECK(status["set_aside_last"][0]["reason"] == reason);
    CHECK(is_utc_time(status["set_aside_last"][0]["at"]));
    CHECK(status["rows_waiting"] == 0);
    auto text = h.run({"status"});
    CHECK(text.out.find("\nwaiting:   0 events\nset aside: 1 row the endpoint refused; each is sent again once it "
                        "changes\n  " +
                        status["set_aside_last"][0]["at"].get<std::string>() + " " + PushHome::id_of(2) + ": " +
                        reason + "\n") != std::string::npos);

    // It is not retried while it stays as it is: the next run sends nothing.
    CHECK(h.sync_json()["push"] ==
          push_json("nothing_to_send", 0, 0, 0, 0, 0, 0, 0, 0, 0, nlohmann::json::array(), 0, "nothing to push"));

    // A later copy of msg_2 (more output) changes the row: the merge keeps the
    // larger input, 5, and the row goes out again and is delivered.
    testing::append_file(h.transcript, PushHome::line("msg_2", 25));
    CHECK(h.sync_json()["push"] == push_json("delivered", 1, 1, 0, 1, 0, 1, 0, 1, 0, nlohmann::json::array(), 0,
                                             "pushed 1 event in 1 batch to " + team.url()));
    CHECK(team.totals()["output_tokens"] == 10 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) + 5);
    status = h.status()["push"];
    CHECK(status["set_aside"] == 0);
    CHECK(status["set_aside_last"] == nlohmann::json::array());
}

TEST_CASE("push: a batch whose only row is refused moves on, and a row refused again is recorded once") {
    Endpoint team;
    PushHome h(team.url(), team.token, "  batch_size: 1\n");
    h.add_calls(1, 3);
    REQUIRE(h.sync_json()["push"]["sent"] == 3);
    poison_msg_2(h);
    const std::string reason = reason_for_negative_input(0);
    auto first = h.sync_json()["push"];
    CHECK(first["outcome"] == "delivered");
    CHECK(first["sent"] == 0);
    CHECK(first["set_aside"] == nlohmann::json::array({{{"id", PushHome::id_of(2)}, {"reason", reason}}}));
    CHECK(first["message"] == "pushed 0 events in 0 batches to " + team.url() +
                                  "; set aside 1 row the endpoint refused (see `usage-agent status`)");
    // Changed again, still invalid: sent again, refused again, one record.
    {
        SQLite::Database db(h.store_file().string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE events SET input = -6, change_seq = (SELECT max(change_seq) + 1 FROM events) WHERE id = '" +
                PushHome::id_of(2) + "'");
    }
    CHECK(h.sync_json()["push"]["set_aside"].size() == 1);
    auto status = h.status()["push"];
    CHECK(status["set_aside"] == 1);
    CHECK(status["rows_waiting"] == 0);
    CHECK(team.totals()["input_tokens"] == 15);
}

TEST_CASE("status: the text and every --json field, with an endpoint and without") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    h.add_calls(1, 3);
    REQUIRE(h.sync_json()["push"]["sent"] == 3);
    poison_msg_2(h);
    REQUIRE(h.sync_json()["push"]["set_aside"].size() == 1);
    h.add_calls(4, 2);
    REQUIRE(h.run({"sync", "--once", "--no-push"}).exit_code == 0);

    auto s = h.status();
    const std::string machine_id = s["machine_id"].get<std::string>();
    CHECK(testing::has_shape(machine_id, "hhhhhhhh-hhhh-4hhh-hhhh-hhhhhhhhhhhh"));
    CHECK(std::string_view("89ab").find(machine_id.at(19)) != std::string_view::npos);  // RFC 4122 variant
    const nlohmann::json last = s["push"]["set_aside_last"];
    const nlohmann::json scanned = s["last_scan"]["at"];
    CHECK(is_utc_time(scanned));
    REQUIRE(last.size() == 1);
    const nlohmann::json attempt = s["push"]["last_attempt"];
    CHECK(is_utc_time(attempt));
    CHECK(s["push"]["last_success"] == attempt);  // the last push delivered
    const std::string result = "pushed 0 events in 0 batches to " + team.url() +
                               "; set aside 1 row the endpoint refused (see `usage-agent status`)";
    CHECK(s == nlohmann::json{
                   {"store", h.store_file().string()},
                   {"machine_id", machine_id},
                   {"machine_name", "box-1"},
                   {"user", "tester"},
                   {"events", 5},
                   {"events_by_source", {{"claude-code", 5}}},
                   {"files_by_source",
                    {{"amp", 0},
                     {"claude-code", 1},
                     {"cline", 0},
                     {"codex-cli", 0},
                     {"copilot-cli", 0},
                     {"cursor", 0},
                     {"droid", 0},
                     {"gemini-cli", 0},
                     {"goose", 0},
                     {"kilo-cli", 0},
                     {"kilo-code", 0},
                     {"opencode", 0},
                     {"qwen-code", 0},
                     {"roo-code", 0}}},
                   {"agent", {{"running", false}, {"pid", nullptr}, {"started", nullptr}, {"uptime_seconds", nullptr}}},
                   {"last_scan",  // the `sync --once --no-push` above
                    {{"at", scanned}, {"files_read", 1}, {"events_new", 2}, {"events_updated", 0}}},
                   {"push",
                    {{"endpoint", team.url()},
                     {"rows_waiting", 2},
                     {"events_waiting", 2},
                     {"superseded_waiting", 0},
                     {"failed_waiting", 0},
                     {"set_aside", 1},
                     {"set_aside_last",
                      {{{"id", PushHome::id_of(2)}, {"reason", reason_for_negative_input(0)}, {"at", last[0]["at"]}}}},
                     {"last_attempt", attempt},
                     {"last_success", attempt},
                     {"last_result", result}}},
                   {"otlp", nullptr}});

    auto text = h.run({"status"});
    CHECK(text.exit_code == 0);
    CHECK(text.out == "store:     " + h.store_file().string() + "\nmachine:   box-1 (" + machine_id +
                          ")\nuser:      tester\nevents:    5 (claude-code 5)\nagent:     not running (`usage-agent "
                          "run`, or `usage-agent "
                          "service install`)\nlast scan: " +
                          scanned.get<std::string>() + " - 1 file read, 2 new, 0 updated\nendpoint:  " + team.url() +
                          "\nlast push: " + attempt.get<std::string>() + " - " + result +
                          "\nlast ok:   " + attempt.get<std::string>() +
                          "\nwaiting:   2 events\nset aside: 1 row the endpoint refused; each is sent again once it "
                          "changes\n  " +
                          last[0]["at"].get<std::string>() + " " + PushHome::id_of(2) + ": " +
                          reason_for_negative_input(0) + "\notlp:      off (no exporters.otlp.endpoint configured)\n");

    // Without an endpoint: no push section.
    testing::write_file(h.dir / "home" / ".config" / "usage-agent" / "config.yaml", "machine_name: box-1\n");
    auto off = h.status();
    CHECK(off["push"].is_null());
    CHECK(off["events"] == 5);
    CHECK(h.run({"status"})
              .out.ends_with(" - 1 file read, 2 new, 0 updated\npush:      off (no sync.endpoint configured)\n"
                             "otlp:      off (no exporters.otlp.endpoint configured)\n"));
}
