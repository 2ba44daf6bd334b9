// End to end: `sync --once` and `run` exporting to an OTLP/HTTP receiver on
// 127.0.0.1 (testing::LoopbackHttpServer, read back by otlp_receiver.hpp):
// exact attributes of a record, sums over distinct event ids and metric
// totals equal to `report summary`, a receiver outage and a refusal that lose
// nothing, the exporter's own mark, `status`, and the headers kept secret.
#include <doctest/doctest.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "otlp_receiver.hpp"
#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

using otlp_test::int_of;
using otlp_test::text_of;
using Reply = testing::LoopbackHttpServer::Reply;

namespace {

const std::string kFixture = (testing::source_dir() / "plugins" / "claude_code" / "tests" / "fixtures" /
                              "sidechain-replay" / "projects" / "-home-dev-delta")
                                 .string();

/// A home with Claude calls whose config exports to `endpoint` (and pushes nowhere).
struct OtlpHome : testing::AgentHome {
    std::filesystem::path transcript = dir / "home" / ".claude" / "projects" / "-w-app" / "s1.jsonl";

    explicit OtlpHome(const std::string& endpoint, const std::string& extra_otlp = "") {
        testing::write_file(transcript, "");
        testing::write_file(dir / "home" / ".config" / "usage-agent" / "config.yaml",
                            "machine_name: box-1\nuser: alice\nsync:\n  max_attempts: 2\nexporters:\n  otlp:\n"
                            "    endpoint: " +
                                endpoint + "\n    headers: ['X-Team: alpha', 'Authorization: Bearer s3cret-value']\n" +
                                extra_otlp);
    }
    /// msg_1 (two cache-write TTLs), msg_2 (another model), msg_3, and a failed call.
    void add_calls() const {
        auto at = [](claude_test::Assistant a) { return a.session("s1").cwd("/w/app").at("2026-01-10T10:00:00.000Z"); };
        testing::append_file(
            transcript,
            at(claude_test::Assistant("msg_1", "req_1", 5, 100, 1000, 10).split(60, 40)).line() +
                at(claude_test::Assistant("msg_2", "req_2", 7, 0, 50, 20).model("claude-opus-4-1-20250805")).line() +
                at(claude_test::Assistant("msg_3", "req_3", 3, 0, 0, 30)).line() +
                claude_test::api_error_line("msg_err", "2026-01-10T10:05:00.000Z", "rate_limit", 429, "s1"));
    }
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
};

/// The receiver's sums and the last metrics request equal `report summary`.
void check_receiver_equals_report(const OtlpHome& h, const std::vector<otlp_test::Received>& accepted) {
    const auto totals = h.report("summary").at("totals");
    const auto sums = otlp_test::sum_latest(otlp_test::log_records(accepted));
    CHECK(sums.events == totals.at("events"));
    CHECK(sums.failed == totals.at("failed_requests"));
    CHECK(sums.input == totals.at("input_tokens"));
    CHECK(sums.output == totals.at("output_tokens"));
    CHECK(sums.cache_read == totals.at("cache_read_tokens"));
    CHECK(sums.cache_write == totals.at("cache_write_tokens"));
    CHECK(sums.genai_input == totals.at("input_tokens").get<std::int64_t>() +
                                  totals.at("cache_read_tokens").get<std::int64_t>() +
                                  totals.at("cache_write_tokens").get<std::int64_t>());
    CHECK(sums.cost_micros == otlp_test::micros_of(totals.at("cost_usd")));

    const otlp_test::Received* metrics = nullptr;
    for (const auto& r : accepted)
        if (r.path == "/v1/metrics") metrics = &r;
    REQUIRE(metrics != nullptr);
    CHECK(otlp_test::int_total(*metrics, "usage.tokens", "input") == totals.at("input_tokens"));
    CHECK(otlp_test::int_total(*metrics, "usage.tokens", "output") == totals.at("output_tokens"));
    CHECK(otlp_test::int_total(*metrics, "usage.tokens", "cache_read") == totals.at("cache_read_tokens"));
    CHECK(otlp_test::int_total(*metrics, "usage.tokens", "cache_write_5m") == totals.at("cache_write_5m_tokens"));
    CHECK(otlp_test::int_total(*metrics, "usage.tokens", "cache_write_1h") == totals.at("cache_write_1h_tokens"));
    CHECK(otlp_test::int_total(*metrics, "usage.tokens") == totals.at("total_tokens"));
    CHECK(otlp_test::int_total(*metrics, "usage.requests") == totals.at("events"));
    CHECK(otlp_test::int_total(*metrics, "usage.failed_requests") == totals.at("failed_requests"));
    CHECK(otlp_test::cost_micros_total(*metrics) == otlp_test::micros_of(totals.at("cost_usd")));
}

/// Each event id among these records exactly once.
std::multiset<std::string> event_ids(const std::vector<nlohmann::json>& records) {
    std::multiset<std::string> ids;
    for (const auto& rec : records)
        ids.insert(text_of(otlp_test::attributes_of(rec.at("attributes")), "usage.event_id"));
    return ids;
}

}  // namespace

TEST_CASE("otlp: every row reaches the receiver as a GenAI log record and the metrics equal report summary") {
    testing::LoopbackHttpServer receiver(200, "{}");
    const std::string url = receiver.url("");
    OtlpHome h(url, "    batch_size: 3\n");
    h.add_calls();
    const auto out = h.sync_json();
    CHECK(out["push"].is_null());
    CHECK(out["otlp"] == nlohmann::json{{"outcome", "delivered"},
                                        {"pending_before", 4},
                                        {"sent", 4},
                                        {"sent_superseded", 0},
                                        {"sent_failed", 1},
                                        {"batches", 2},
                                        {"retries", 0},
                                        {"rejected_records", 0},
                                        {"metric_points", 16},
                                        {"still_queued", 0},
                                        {"message",
                                         "exported 4 rows (3 events, 1 failed call) in 2 batches and 16 "
                                         "metric points to " +
                                             url}});
    const auto got = otlp_test::decode(receiver.received());
    REQUIRE(got.size() == 3);
    CHECK(got[0].path == "/v1/logs");
    CHECK(got[1].path == "/v1/logs");
    CHECK(got[2].path == "/v1/metrics");
    const std::string head = got[0].head + "\r\n";
    CHECK(head.starts_with("POST /v1/logs HTTP/1.1\r\n"));
    CHECK(head.find("\r\nContent-Type: application/json\r\n") != std::string::npos);
    CHECK(head.find("\r\nContent-Encoding: gzip\r\n") != std::string::npos);
    CHECK(head.find("\r\nX-Team: alpha\r\n") != std::string::npos);
    CHECK(head.find("\r\nAuthorization: Bearer s3cret-value\r\n") != std::string::npos);

    // The resource and one record, attribute by attribute.
    const auto& rl = got[0].body.at("resourceLogs").at(0);
    const auto resource = otlp_test::attributes_of(rl.at("resource").at("attributes"));
    CHECK(text_of(resource, "service.name") == "usage-agent");
    CHECK(text_of(resource, "host.name") == "box-1");
    CHECK(text_of(resource, "host.id") == h.status()["machine_id"]);
    CHECK(rl.at("scopeLogs").at(0).at("scope").at("name") == "usage-agent");
    const auto records = otlp_test::log_records(got);
    REQUIRE(records.size() == 4);
    const nlohmann::json* first = nullptr;
    for (const auto& rec : records)
        if (text_of(otlp_test::attributes_of(rec.at("attributes")), "usage.event_id") == "claude-code:msg_1:req_1")
            first = &rec;
    REQUIRE(first != nullptr);
    CHECK(first->at("timeUnixNano") == "1768039200000000000");  // 2026-01-10T10:00:00Z, as a string
    CHECK(first->at("observedTimeUnixNano").is_string());
    CHECK(first->at("severityNumber") == 9);
    CHECK(first->at("body").at("stringValue") ==
          "claude-code call to claude-sonnet-4-5-20250929: 1105 input, 10 output tokens");
    const auto a = otlp_test::attributes_of(first->at("attributes"));
    CHECK(text_of(a, "gen_ai.operation.name") == "chat");
    CHECK(text_of(a, "gen_ai.provider.name") == "anthropic");
    CHECK(text_of(a, "gen_ai.request.model") == "claude-sonnet-4-5-20250929");
    CHECK(text_of(a, "gen_ai.conversation.id") == "s1");
    CHECK(int_of(a, "gen_ai.usage.input_tokens") == 5 + 1000 + 100);
    CHECK(int_of(a, "gen_ai.usage.output_tokens") == 10);
    CHECK(int_of(a, "gen_ai.usage.cache_read.input_tokens") == 1000);
    CHECK(int_of(a, "gen_ai.usage.cache_creation.input_tokens") == 100);
    CHECK(int_of(a, "usage.tokens.input") == 5);
    CHECK(int_of(a, "usage.tokens.cache_write_5m") == 60);
    CHECK(int_of(a, "usage.tokens.cache_write_1h") == 40);
    CHECK(int_of(a, "usage.revision") == 1);
    CHECK(text_of(a, "usage.source") == "claude-code");
    CHECK(text_of(a, "usage.project") == "app");
    CHECK(text_of(a, "usage.user") == "alice");
    CHECK(text_of(a, "usage.cost_origin") == "estimated");
    CHECK(otlp_test::flag_of(a, "usage.cost_estimated"));
    CHECK_FALSE(otlp_test::flag_of(a, "usage.superseded"));
    CHECK_FALSE(a.contains("error.type"));
    // sonnet 4.5: 5 x 3 + 10 x 15 + 1000 x 0.30 + 60 x 3.75 + 40 x 6 USD per million tokens.
    CHECK(int_of(a, "usage.cost_micros") == 15 + 150 + 300 + 225 + 240);
    CHECK(a.at("usage.cost_usd").at("doubleValue") == 0.00093);
    for (const auto& rec : records) {
        const auto r = otlp_test::attributes_of(rec.at("attributes"));
        if (!r.contains("error.type")) continue;
        CHECK(text_of(r, "error.type") == "rate_limit");
        CHECK(rec.at("severityText") == "WARN");
        CHECK(int_of(r, "gen_ai.usage.input_tokens") == 0);
    }
    check_receiver_equals_report(h, got);

    // Its own mark: a second sync sends nothing, not even the metrics again.
    CHECK(h.sync_json()["otlp"]["outcome"] == "nothing_to_send");
    CHECK(receiver.requests() == 3);
    const auto status = h.status()["otlp"];
    CHECK(status["endpoint"] == url);
    CHECK(status["rows_waiting"] == 0);
    CHECK(status["last_result"] == out["otlp"]["message"]);
    CHECK(status["last_success"].is_string());
    const auto text = h.run({"status"}).out;
    CHECK(text.find("\notlp:      " + url + "\n") != std::string::npos);
    CHECK(text.find("\n  waiting:     0 events\n") != std::string::npos);
}

TEST_CASE("otlp: a superseded copy is exported again with its flag, so the receiver counts what report counts") {
    testing::LoopbackHttpServer receiver(200, "{}");
    OtlpHome h(receiver.url(""));
    const auto projects = h.dir / "home" / ".claude" / "projects" / "-home-dev-delta";
    testing::write_file(projects / "agent-0b0b0b0b.jsonl", testing::read_file(kFixture + "/agent-0b0b0b0b.jsonl"));
    CHECK(h.sync_json()["otlp"]["sent"] == 1);  // alone, the sidechain call is a call
    const std::string main = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a.jsonl";
    testing::write_file(projects / main, testing::read_file(kFixture + "/" + main));
    const auto out = h.sync_json()["otlp"];
    CHECK(out["sent"] == 4);
    CHECK(out["sent_superseded"] == 1);
    const auto got = otlp_test::decode(receiver.received());
    const auto records = otlp_test::log_records(got);
    CHECK(records.size() == 5);  // the replay twice: as a call, then superseded
    CHECK(h.report("summary")["totals"]["events"] == 3);
    check_receiver_equals_report(h, got);
}

TEST_CASE("otlp: a receiver outage loses nothing and the next sync delivers every row exactly once") {
    testing::LoopbackHttpServer receiver(std::vector<Reply>{{503, "down for maintenance", {}}});
    const std::string url = receiver.url("");
    OtlpHome h(url);
    h.add_calls();
    const auto down = h.sync_json(1)["otlp"];
    CHECK(down["outcome"] == "unreachable");
    CHECK(down["sent"] == 0);
    CHECK(down["retries"] == 1);
    CHECK(down["still_queued"] == 4);
    CHECK(down["message"] == url + ": HTTP 503 after 2 attempts; rows stay queued for the next run");
    CHECK(receiver.requests() == 2);  // sync.max_attempts
    auto status = h.status()["otlp"];
    CHECK(status["rows_waiting"] == 4);
    CHECK(status["last_success"].is_null());
    CHECK(status["last_result"] == down["message"]);

    // Up again, and one more call meanwhile.
    receiver.set_script({{200, "{}", {}}});
    testing::append_file(h.transcript, claude_test::Assistant("msg_4", "req_4", 1, 0, 0, 40)
                                           .session("s1")
                                           .cwd("/w/app")
                                           .at("2026-01-10T11:00:00.000Z")
                                           .line());
    const auto up = h.sync_json()["otlp"];
    CHECK(up["outcome"] == "delivered");
    CHECK(up["sent"] == 5);
    CHECK(up["still_queued"] == 0);
    auto all = receiver.received();
    const std::vector<testing::LoopbackHttpServer::Request> accepted(all.begin() + 2, all.end());
    const auto got = otlp_test::decode(accepted);
    const auto ids = event_ids(otlp_test::log_records(got));
    CHECK(ids.size() == 5);
    for (const auto& id : ids) CHECK_MESSAGE(ids.count(id) == 1, id);
    check_receiver_equals_report(h, got);
    CHECK(h.status()["otlp"]["rows_waiting"] == 0);
}

TEST_CASE("otlp: a receiver that is down (connection refused) loses nothing, and once up it gets every row once") {
    int port = 0;
    const int bound = testing::bind_loopback(port);  // bound, not listening: connecting is refused
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    OtlpHome h(url);
    h.add_calls();
    const auto down = h.sync_json(1)["otlp"];
    CHECK(down["outcome"] == "unreachable");
    CHECK(down["sent"] == 0);
    CHECK(down["still_queued"] == 4);
    CHECK(h.status()["otlp"]["rows_waiting"] == 4);
    ::close(bound);

    testing::LoopbackHttpServer receiver(std::vector<Reply>{{200, "{}", {}}}, port);
    const auto up = h.sync_json()["otlp"];
    CHECK(up["outcome"] == "delivered");
    CHECK(up["sent"] == 4);
    const auto got = otlp_test::decode(receiver.received());
    const auto ids = event_ids(otlp_test::log_records(got));
    CHECK(ids.size() == 4);
    for (const auto& id : ids) CHECK_MESSAGE(ids.count(id) == 1, id);
    check_receiver_equals_report(h, got);
    CHECK(h.status()["otlp"]["rows_waiting"] == 0);
}

TEST_CASE("otlp: a 400 refuses the batch at once, keeps every row queued, and a fixed receiver gets them all") {
    testing::LoopbackHttpServer receiver(400, R"({"code":3,"message":"bad attribute"})");
    const std::string url = receiver.url("");
    OtlpHome h(url);
    h.add_calls();
    auto r = h.run({"sync", "--once"});
    CHECK(r.exit_code == 1);
    const std::string refused =
        url + " refused a batch of log records (HTTP 400: bad attribute); rows stay queued for the next run";
    CHECK(r.err == "usage-agent: otlp: " + refused + "\n");
    CHECK(receiver.requests() == 1);  // no retry: a refusal is not transient
    CHECK(h.status()["otlp"]["rows_waiting"] == 4);
    CHECK(h.status()["otlp"]["last_result"] == refused);

    receiver.set_script({{200, "{}", {}}});
    auto fixed = h.run({"sync", "--once"});
    REQUIRE(fixed.exit_code == 0);
    CHECK(fixed.out.ends_with("\notlp: exported 4 rows (3 events, 1 failed call) in 1 batch and 16 metric points to " +
                              url + "\n"));
    auto all = receiver.received();
    const auto got = otlp_test::decode({all.begin() + 1, all.end()});
    CHECK(event_ids(otlp_test::log_records(got)).size() == 4);
    check_receiver_equals_report(h, got);
}

TEST_CASE("otlp: partial success is delivered, and what the receiver dropped is said") {
    testing::LoopbackHttpServer receiver(std::vector<Reply>{
        {200, R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"too old"}})", {}}, {200, "{}", {}}});
    OtlpHome h(receiver.url(""));
    h.add_calls();
    const auto out = h.sync_json()["otlp"];
    CHECK(out["outcome"] == "delivered");
    CHECK(out["rejected_records"] == 1);
    CHECK(out["message"] == "exported 4 rows (3 events, 1 failed call) in 1 batch and 16 metric points to " +
                                receiver.url("") +
                                "; the receiver dropped 1 of the log records; the receiver said: too old");
    CHECK(h.status()["otlp"]["rows_waiting"] == 0);
}

TEST_CASE("otlp: run exports after its scan and, after an outage, on its retry timer") {
    testing::LoopbackHttpServer receiver(std::vector<Reply>{{503, "", {}}});
    OtlpHome h(receiver.url(""));
    h.add_calls();
    testing::AgentProcess agent({"run", "--log-level", "debug"}, h.env);
    REQUIRE(agent.wait_for_err("error: otlp: "));
    CHECK(receiver.requests() == 2);
    receiver.set_script({{200, "{}", {}}});
    REQUIRE(agent.wait_for_err("info: otlp: exported 4 rows (3 events, 1 failed call) in 1 batch"));
    auto all = receiver.received();
    const auto got = otlp_test::decode({all.begin() + 2, all.end()});
    CHECK(event_ids(otlp_test::log_records(got)).size() == 4);
    check_receiver_equals_report(h, got);

    // A new call: exported after the scan that finds it.
    testing::append_file(h.transcript, claude_test::Assistant("msg_5", "req_5", 2, 0, 0, 50)
                                           .session("s1")
                                           .cwd("/w/app")
                                           .at("2026-01-10T12:00:00.000Z")
                                           .line());
    REQUIRE(agent.wait_for_err("info: otlp: exported 1 event in 1 batch"));
    CHECK(agent.stop() == 0);
}

TEST_CASE("otlp: config show hides header values, and a malformed header names file, line and key") {
    testing::LoopbackHttpServer receiver(200, "{}");
    OtlpHome h(receiver.url(""));
    auto show = h.run({"config", "show"});
    REQUIRE(show.exit_code == 0);
    CHECK(show.out.find("s3cret-value") == std::string::npos);
    CHECK(show.out.find("headers: [\"X-Team: (hidden)\", \"Authorization: (hidden)\"]") != std::string::npos);

    const auto config = h.dir / "home" / ".config" / "usage-agent" / "config.yaml";
    testing::write_file(config,
                        "exporters:\n  otlp:\n    endpoint: http://127.0.0.1:4318\n    headers:\n"
                        "      - 'no colon here'\n");
    auto bad = h.run({"config", "check"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find(config.string() +
                       ":5: 'exporters.otlp.headers' entries must be 'Name: value' with a header name before the "
                       "colon") != std::string::npos);
    testing::write_file(config, "exporters:\n  otlp:\n    headers: ['Content-Encoding: br']\n");
    auto own = h.run({"config", "check"});
    CHECK(own.exit_code == 1);
    CHECK(own.err.find(config.string() +
                       ":3: 'exporters.otlp.headers': header 'Content-Encoding' is set by the exporter itself") !=
          std::string::npos);
}
