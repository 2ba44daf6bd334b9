// Protocol v1 codec and gzip bodies: round trips, and refusals that name
// the field (what an endpoint answers with 400) or the size (413).
#include "usage/sync_protocol.hpp"

#include <doctest/doctest.h>

#include "usage/gzip.hpp"

namespace {

usage::sync::IngestBatch sample_batch() {
    usage::sync::IngestBatch b;
    b.machine = {"m-1", "box", "linux", "Europe/Paris", "0.1.0"};
    b.machine_variants.push_back({"m-1/windows", "box (windows)", "windows", "", ""});
    usage::sync::WireEvent w;
    w.event.id = "claude-code:msg_1:req_1";
    w.event.source = "claude-code";
    w.event.session_id = "s1";
    w.event.model = "claude-sonnet-4-5";
    w.event.machine_id = "m-1/windows";
    w.event.timestamp_ms = 1767225600000;
    w.event.tokens = {10, 20, 5, 300, 40, 7};
    w.event.reported_cost_micros = 1234;
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

TEST_CASE("protocol: a batch survives encode, gzip and decode unchanged") {
    auto b = sample_batch();
    auto text = usage::gzip_decompress(usage::gzip_compress(usage::sync::encode_batch(b)), 1 << 20);
    auto d = usage::sync::decode_batch(text);
    CHECK(d.machine.name == "box");
    CHECK(d.machine.time_zone == "Europe/Paris");
    REQUIRE(d.machine_variants.size() == 1);
    REQUIRE(d.events.size() == 1);
    const auto& e = d.events[0].event;
    CHECK(e.id == "claude-code:msg_1:req_1");
    CHECK(e.machine_id == "m-1/windows");
    CHECK(e.tokens == usage::TokenCounts{10, 20, 5, 300, 40, 7});
    CHECK(e.reported_cost_micros == 1234);
    CHECK(e.replay);
    CHECK(d.events[0].superseded);
    CHECK(d.events[0].revision == 3);
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
