// Protocol v1 codec and gzip bodies: round trips, and refusals that name
// the field (what an endpoint answers with 400) or the size (413).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "usage/net/gzip.hpp"
#include "usage/sync/protocol.hpp"

namespace {

// Every field set, each to a value no other field has, so a field that the
// encoder or the decoder drops (or swaps) shows in the field-by-field check.
usage::sync::IngestBatch sample_batch() {
    usage::sync::IngestBatch b;
    b.machine = {"m-1", "box", "linux", "Europe/Paris", "0.1.0"};
    b.machine_variants.push_back({"m-1/windows", "box (windows)", "windows", "America/New_York", "0.1.1"});
    usage::sync::WireEvent w;
    w.event.id = "claude-code:msg_1:req_1";
    w.event.source = "claude-code";
    w.event.session_id = "s1";
    w.event.parent_session_id = "p0";
    w.event.model = "claude-4.5-sonnet";
    w.event.pricing_model = "claude-sonnet-4-5";
    w.event.model_guessed = true;
    w.event.provider = "bedrock";
    w.event.project_name = "app";
    w.event.project_path = "/home/dev/app";
    w.event.git_branch = "feature/x";
    w.event.repository = "https://github.com/acme/app.git";
    w.event.surface = "subagent";
    w.event.machine_id = "m-1/windows";
    w.event.user = "never-sent";
    w.event.timestamp_ms = 1767225600123;
    w.event.tokens = {10, 20, 5, 300, 40, 7};
    w.event.reported_cost_micros = 1234;
    w.event.cost_micros = 5678;
    w.event.cost_origin = usage::CostOrigin::override_price;
    w.event.dedup_group = "claude-code:msg_1:";
    w.event.replay = true;
    w.superseded = true;
    w.revision = 3;
    b.events.push_back(w);
    return b;
}

std::string refusal(const std::string& body) {
    try {
        (void)usage::sync::decode_batch(body);
    } catch (const usage::sync::ProtocolError& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("protocol: a batch survives encode, gzip and decode unchanged, field by field") {
    const auto b = sample_batch();
    auto text = usage::gzip_decompress(usage::gzip_compress(usage::sync::encode_batch(b)), 1 << 20);
    auto d = usage::sync::decode_batch(text);
    CHECK(d.protocol == 1);
    auto same_machine = [](const usage::sync::MachineInfo& got, const usage::sync::MachineInfo& want) {
        CHECK(got.id == want.id);
        CHECK(got.name == want.name);
        CHECK(got.os == want.os);
        CHECK(got.time_zone == want.time_zone);
        CHECK(got.agent_version == want.agent_version);
    };
    same_machine(d.machine, b.machine);
    REQUIRE(d.machine_variants.size() == 1);
    same_machine(d.machine_variants[0], b.machine_variants[0]);
    REQUIRE(d.events.size() == 1);
    const auto& e = d.events[0].event;
    const auto& want = b.events[0].event;
    CHECK(e.id == want.id);
    CHECK(e.source == want.source);
    CHECK(e.session_id == want.session_id);
    CHECK(e.parent_session_id == want.parent_session_id);
    CHECK(e.model == want.model);
    CHECK(e.pricing_model == want.pricing_model);
    CHECK(e.model_guessed == want.model_guessed);
    CHECK(e.provider == want.provider);
    CHECK(e.project_name == want.project_name);
    CHECK(e.project_path == want.project_path);
    CHECK(e.git_branch == want.git_branch);
    CHECK(e.repository == want.repository);
    CHECK(e.surface == want.surface);
    CHECK(e.machine_id == want.machine_id);
    CHECK(e.user.empty());  // the endpoint decides the user from the token
    CHECK(e.timestamp_ms == want.timestamp_ms);
    CHECK(e.tokens.input == 10);
    CHECK(e.tokens.output == 20);
    CHECK(e.tokens.reasoning == 5);
    CHECK(e.tokens.cache_read == 300);
    CHECK(e.tokens.cache_write_5m == 40);
    CHECK(e.tokens.cache_write_1h == 7);
    CHECK(e.reported_cost_micros == 1234);
    CHECK(e.cost_micros == 5678);
    CHECK(e.cost_origin == usage::CostOrigin::override_price);
    CHECK(e.dedup_group == want.dedup_group);
    CHECK(e.replay == true);
    CHECK(d.events[0].superseded == true);
    CHECK(d.events[0].revision == 3);

    // Absent optional costs stay absent; false flags stay false.
    auto plain = b;
    plain.events[0].event.reported_cost_micros.reset();
    plain.events[0].event.cost_micros.reset();
    plain.events[0].event.cost_origin = usage::CostOrigin::unpriced;
    plain.events[0].event.model_guessed = false;
    plain.events[0].event.replay = false;
    plain.events[0].superseded = false;
    auto p = usage::sync::decode_batch(usage::sync::encode_batch(plain));
    REQUIRE(p.events.size() == 1);
    CHECK_FALSE(p.events[0].event.reported_cost_micros.has_value());
    CHECK_FALSE(p.events[0].event.cost_micros.has_value());
    CHECK(p.events[0].event.cost_origin == usage::CostOrigin::unpriced);
    CHECK_FALSE(p.events[0].event.model_guessed);
    CHECK_FALSE(p.events[0].event.replay);
    CHECK_FALSE(p.events[0].superseded);

    // An agent from before `repository` sends none: the event has none.
    auto old_agent = nlohmann::json::parse(usage::sync::encode_batch(b));
    old_agent["events"][0].erase("repository");
    const auto o = usage::sync::decode_batch(old_agent.dump());
    CHECK(o.events[0].event.repository.empty());
    CHECK(o.events[0].event.git_branch == "feature/x");
    // An answered call carries no `failure` at all; a failed call its kind.
    CHECK(old_agent["events"][0].contains("failure") == false);
    auto failed = b;
    auto& f = failed.events[0].event;
    f.tokens = {};
    f.reported_cost_micros.reset();
    f.failure = "rate_limit";
    CHECK(nlohmann::json::parse(usage::sync::encode_batch(failed))["events"][0]["failure"] == "rate_limit");
    CHECK(usage::sync::decode_batch(usage::sync::encode_batch(failed)).events[0].event.failure == "rate_limit");
}

TEST_CASE("protocol: malformed batches are refused with the field that is wrong") {
    CHECK(refusal("{nope") == "body is not valid JSON");
    CHECK(refusal(R"({"machine":{"id":"m"},"events":[]})") == "'protocol' is required");
    CHECK(refusal(R"({"protocol":2,"machine":{"id":"m"},"events":[]})") ==
          "protocol version 2 is not supported (this endpoint speaks 1)");
    CHECK(refusal(R"({"protocol":1,"events":[]})") == "'machine' is required");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"}})") == "'events' must be an array");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,
        "tokens":{"input":"12"}}]})") == "'events[0].tokens.input' must be an integer from 0 to 1000000000");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,
        "tokens":{"input":-1}}]})") == "'events[0].tokens.input' must be an integer from 0 to 1000000000");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"source":"s","timestamp_ms":1,"tokens":{}}]})") ==
          "'events[0].id' is required");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,
        "tokens":{},"machine_id":"other"}]})") ==
          "'events[0].machine_id' must be the machine's id or one of its variants");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a:1","source":"s","timestamp_ms":1,
        "tokens":{},"dedup_group":"b:"}]})") == "'events[0].dedup_group' must be a prefix of 'id'");
    // A failed call has no tokens and no reported cost, and says how it failed in a few words.
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,
        "tokens":{"output":3},"failure":"rate_limit"}]})") ==
          "'events[0].failure' is set, but a failed call has no tokens and no reported cost");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,
        "tokens":{},"cost":{"reported_micros":5},"failure":"rate_limit"}]})") ==
          "'events[0].failure' is set, but a failed call has no tokens and no reported cost");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,
        "tokens":{},"failure":")" +
                  std::string(65, 'x') + R"("}]})") == "'events[0].failure' must be at most 64 characters");
    CHECK(refusal(R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,
        "tokens":{},"failure":7}]})") == "'events[0].failure' must be a string");
}

namespace {

// A batch whose second event has these `tokens` and `cost` members.
std::string second_event_with(const std::string& tokens, const std::string& cost = "") {
    return R"({"protocol":1,"machine":{"id":"m"},"events":[{"id":"a","source":"s","timestamp_ms":1,"tokens":{}},
        {"id":"b","source":"s","timestamp_ms":1,"tokens":{)" +
           tokens + R"(},"cost":{)" + cost + "}}]}";
}

}  // namespace

TEST_CASE("protocol: token counts and costs obey the rule every plugin applies") {
    const std::string rule = " must be an integer from 0 to 1000000000";
    for (const char* raw : {"-5", "12.5", "12.0", "1e3", "\"12\"", "1000000001", "9223372036854775807",
                            "99999999999999999999", "-9223372036854775808", "true"}) {
        INFO(raw);
        CHECK(refusal(second_event_with(std::string("\"output\":") + raw)) == "'events[1].tokens.output'" + rule);
    }
    for (const std::string field : {"input", "output", "reasoning", "cache_read", "cache_write_5m", "cache_write_1h"}) {
        std::string want = "'events[1].tokens.";
        want.append(field).append("'").append(rule);
        CHECK(refusal(second_event_with(std::string("\"").append(field).append("\":-1"))) == want);
    }
    CHECK(refusal(second_event_with("\"input\":1e400")) == "body holds a number out of range: '1e400'");
    CHECK(refusal(second_event_with("", "\"reported_micros\":-1")) ==
          "'events[1].cost.reported_micros' must be an integer from 0 to 1000000000000000");
    CHECK(refusal(second_event_with("", "\"micros\":1000000000000001")) ==
          "'events[1].cost.micros' must be an integer from 0 to 1000000000000000");

    // At the caps, and null (absent), everything is accepted.
    auto b = usage::sync::decode_batch(second_event_with(
        R"("input":1000000000,"output":1000000000,"reasoning":1000000000,"cache_read":1000000000,
        "cache_write_5m":1000000000,"cache_write_1h":null)"));
    CHECK(b.events[1].event.tokens ==
          usage::TokenCounts{1000000000, 1000000000, 1000000000, 1000000000, 1000000000, 0});
    auto c = usage::sync::decode_batch(second_event_with("", R"("reported_micros":1000000000000000)"));
    CHECK(c.events[1].event.reported_cost_micros == 1000000000000000);
}

TEST_CASE("gzip: a bomb is refused at the limit, never inflated past it") {
    const std::string zeros(50u << 20, '\0');
    const std::string bomb = usage::gzip_compress(zeros);
    CHECK(bomb.size() < 100u << 10);  // ~50 KB that expands 1000x
    CHECK_THROWS_AS((void)usage::gzip_decompress(bomb, 1u << 20), usage::GzipTooLarge);
    CHECK(usage::gzip_decompress(bomb, 50u << 20).size() == zeros.size());
    CHECK_THROWS_AS((void)usage::gzip_decompress("not gzip at all", 1u << 20), usage::GzipError);
    CHECK_THROWS_AS((void)usage::gzip_decompress(bomb.substr(0, bomb.size() / 2), 64u << 20), usage::GzipError);
}

TEST_CASE("sync protocol: a 400 reason names the event it refuses as 'events[i]', or none") {
    using usage::sync::refused_event_index;
    CHECK(refused_event_index("'events[0].tokens.input' must be at least 0") == std::optional<std::size_t>(0));
    CHECK(refused_event_index("'events[12]' must be an object") == std::optional<std::size_t>(12));
    CHECK(refused_event_index("'events' must be an array") == std::nullopt);
    CHECK(refused_event_index("'machine.id' must not be empty") == std::nullopt);
    CHECK(refused_event_index("'events[]' x") == std::nullopt);
    CHECK(refused_event_index("'events[3' x") == std::nullopt);
    CHECK(refused_event_index("'events[1234567890123]' x") == std::nullopt);  // not an index of any batch
    CHECK(refused_event_index("body is not valid JSON") == std::nullopt);
    // The decoder's own reasons are in that form.
    auto b = sample_batch();
    b.events.push_back(b.events[0]);
    b.events[1].event.tokens.output = -1;
    try {
        (void)usage::sync::decode_batch(usage::sync::encode_batch(b));
        FAIL("accepted a negative count");
    } catch (const usage::sync::ProtocolError& e) {
        CHECK(refused_event_index(e.what()) == std::optional<std::size_t>(1));
    }
}

TEST_CASE("sync protocol: the reason of an error answer, or the start of a foreign body on one line") {
    using usage::sync::error_reason;
    CHECK(error_reason(R"({"error":"'events[2].tokens.input' must be at least 0"})") ==
          "'events[2].tokens.input' must be at least 0");
    CHECK(error_reason("<html>\r\n<b>Bad</b>\n</html>") == "<html>  <b>Bad</b> </html>");
    CHECK(error_reason(std::string(300, 'x')) == std::string(200, 'x'));
    CHECK(error_reason(R"({"error":42})") == R"({"error":42})");
}

TEST_CASE("protocol: session costs travel only when there are some and are refused by name when wrong") {
    auto b = sample_batch();
    CHECK(usage::sync::encode_batch(b).find("session_costs") == std::string::npos);  // as older agents send
    CHECK(usage::sync::decode_batch(usage::sync::encode_batch(b)).session_costs.empty());
    b.session_costs.push_back({"claude-code", "s1", 1234567, "claude-opus-4-1", "2.1.81", 1795166043512});
    const auto d = usage::sync::decode_batch(usage::sync::encode_batch(b));
    REQUIRE(d.session_costs.size() == 1);
    const auto& c = d.session_costs[0];
    CHECK(c.source == "claude-code");
    CHECK(c.session_id == "s1");
    CHECK(c.cost_micros == 1234567);
    CHECK(c.model == "claude-opus-4-1");
    CHECK(c.version == "2.1.81");
    CHECK(c.updated_ms == 1795166043512);

    const std::string head = R"({"protocol":1,"machine":{"id":"m"},"events":[],"session_costs":)";
    CHECK(refusal(head + "{}}") == "'session_costs' must be an array");
    CHECK(refusal(head + R"([{"source":"claude-code","cost_micros":5}]})") ==
          "'session_costs[0].session_id' is required");
    CHECK(refusal(head + R"([{"source":"claude-code","session_id":"s","cost_micros":-5}]})") ==
          "'session_costs[0].cost_micros' must be an integer from 0 to 1000000000000000");
    CHECK(refusal(head + R"([{"source":"claude-code","session_id":"s","cost_micros":1.5}]})") ==
          "'session_costs[0].cost_micros' must be an integer from 0 to 1000000000000000");
    CHECK(refusal(head + R"([{"source":"claude-code","session_id":"s"}]})") ==
          "'session_costs[0].cost_micros' is required");
    CHECK(refusal(head + R"([{"source":"","session_id":"s","cost_micros":5}]})") ==
          "'session_costs[0].source' must not be empty");
}
