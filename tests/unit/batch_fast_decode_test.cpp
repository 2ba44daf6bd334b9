// The endpoint's quick decoder of batches against the strict one: whatever
// it accepts, it reads exactly as the strict decoder does; whatever is
// unusual or wrong it leaves to the strict decoder (whose messages tests of
// the protocol check).
#include "sync/batch_fast_decode.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "usage/sync/protocol.hpp"

namespace {

namespace proto = usage::sync;

std::string strict_answer(const std::string& body) {
    try {
        return proto::encode_batch(proto::detail::decode_batch_strict(body));
    } catch (const proto::ProtocolError& e) {
        return std::string("refused: ") + e.what();
    }
}

// "fast" when the quick decoder read it (and read it as the strict one
// does), "strict" when it left it to the strict decoder.
std::string path_of(const std::string& body) {
    const auto fast = proto::detail::decode_batch_fast(body);
    if (!fast) return "strict";
    CHECK_MESSAGE(proto::encode_batch(*fast) == strict_answer(body), body);
    return "fast";
}

const std::string kEvent =
    R"({"id":"c:m1:r1","source":"c","session_id":"s","model":"m","timestamp_ms":1767225600123,)"
    R"("tokens":{"input":10,"output":20,"reasoning":0,"cache_read":300,"cache_write_5m":40,"cache_write_1h":7},)"
    R"("cost":{"micros":5678,"origin":"estimated","reported_micros":null},"dedup_group":"c:m1:","replay":false})";

std::string batch_with(const std::string& events, const std::string& extra = "") {
    return R"({"protocol":1,"machine":{"id":"m-1","name":"box"},"machine_variants":[{"id":"m-1/w"}],)" + extra +
           R"("events":[)" + events + "]}";
}

}  // namespace

TEST_CASE("fast batch decode: an agent's batch takes the quick path and reads as the strict decoder reads it") {
    proto::IngestBatch b;
    b.machine = {"m-1", "box", "linux", "Europe/Paris", "0.1.0"};
    b.machine_variants.push_back({"m-1/windows", "box (windows)", "windows", "UTC", "0.1.1"});
    for (int i = 0; i < 3; ++i) {
        proto::WireEvent w;
        w.event.id = "claude-code:msg_" + std::to_string(i) + ":req";
        w.event.source = "claude-code";
        w.event.session_id = "s1";
        w.event.model = "claude-sonnet-4-5";
        w.event.machine_id = i == 1 ? "m-1/windows" : "m-1";
        w.event.timestamp_ms = 1767225600000 + i;
        w.event.tokens = {10, 20, 5, 300, 40, 7};
        w.event.reported_cost_micros = i == 2 ? std::optional<std::int64_t>(99) : std::nullopt;
        w.event.cost_micros = 5678;
        w.event.cost_origin = usage::CostOrigin::reported;
        w.event.dedup_group = "claude-code:msg_" + std::to_string(i) + ":";
        w.event.aggregate = i == 0;
        w.event.failure = "";
        w.revision = 2 + i;
        b.events.push_back(w);
    }
    b.session_costs.push_back({"claude-code", "s1", 123456, "claude-sonnet-4-5", "2.0.1", 1767225600000});
    const std::string body = proto::encode_batch(b);
    CHECK(path_of(body) == "fast");
    CHECK(proto::encode_batch(*proto::detail::decode_batch_fast(body)) == body);
    CHECK(path_of(batch_with(kEvent)) == "fast");
    CHECK(path_of(batch_with(kEvent + "," + kEvent)) == "fast");  // a repeated id is the writer's to merge
    CHECK(path_of(batch_with("")) == "fast");
}

TEST_CASE("fast batch decode: anything unusual or wrong goes to the strict decoder") {
    auto event_with = [](const std::string& from, const std::string& to) {
        std::string e = kEvent;
        e.replace(e.find(from), from.size(), to);
        return batch_with(e);
    };
    const std::vector<std::string> strict = {
        "",
        "[]",
        "{}",
        "nul",
        batch_with(kEvent) + " x",
        R"({"protocol":2,"machine":{"id":"m"},"events":[]})",
        R"({"protocol":1,"protocol":1,"machine":{"id":"m"},"events":[]})",
        R"({"protocol":null,"machine":{"id":"m"},"events":[]})",
        R"({"protocol":1,"machine":{"id":""},"events":[]})",
        R"({"protocol":1,"machine":{"id":"m"},"events":{}})",
        R"({"protocol":1,"machine":{"id":"m"}})",
        R"({"protocol":1,"machine":{"id":"m"},"machine_variants":[{"id":"other"}],"events":[]})",
        batch_with(kEvent, R"("session_costs":[{"source":"c","session_id":"s"}],)"),
        event_with(R"("id":"c:m1:r1")", R"("id":"c:m1:r1","id":null)"),
        event_with(R"("id":"c:m1:r1")", R"("id":"c:m1:r1","id":"c:m1:r2")"),
        event_with(R"("session_id":"s")", "\"session_id\":\"a\nb\""),
        event_with(R"("session_id":"s")", "\"session_id\":\"a\tb\""),
        event_with(R"("session_id":"s")", R"("session_id":"\ud800")"),
        event_with(R"("session_id":"s")", "\"session_id\":\"\xff\""),
        event_with(R"("input":10)", R"("input":10.0)"),
        event_with(R"("input":10)", R"("input":1e1)"),
        event_with(R"("input":10)", R"("input":-1)"),
        event_with(R"("input":10)", R"("input":1000000001)"),
        event_with(R"("input":10)", R"("input":18446744073709551615)"),
        event_with(R"("input":10)", R"("input":99999999999999999999999)"),
        event_with(R"("input":10)", R"("input":"10")"),
        event_with(R"("input":10)", R"("input":10,"input":11)"),
        event_with(R"("timestamp_ms":1767225600123)", R"("timestamp_ms":null)"),
        event_with(R"("timestamp_ms":1767225600123)", R"("timestamp_ms":9223372036854775808)"),
        event_with(R"("origin":"estimated")", R"("origin":"guessed")"),
        event_with(R"("dedup_group":"c:m1:")", R"("dedup_group":"other:")"),
        event_with(R"("replay":false)", R"("replay":0)"),
        event_with(R"("replay":false)", R"("replay":false,"failure":"rate_limit")"),
        event_with(R"("replay":false)", R"("replay":false,"revision":0)"),
        event_with(R"("replay":false)", R"("replay":false,"machine_id":"elsewhere")"),
        event_with(R"("source":"c",)", ""),
    };
    for (const auto& body : strict) {
        CAPTURE(body);
        CHECK(path_of(body) == "strict");
    }
    // Pretty-printed JSON is valid, only not what an agent sends.
    CHECK(path_of("{\n  \"protocol\": 1,\n  \"machine\": {\"id\": \"m\"},\n  \"events\": []\n}") == "strict");
    CHECK(
        strict_answer("{\n  \"protocol\": 1,\n  \"machine\": {\"id\": \"m\"},\n  \"events\": []\n}").starts_with("{"));
}

TEST_CASE("fast batch decode: nulls, escapes and unknown keys read as the strict decoder reads them") {
    auto event_with = [](const std::string& from, const std::string& to) {
        std::string e = kEvent;
        e.replace(e.find(from), from.size(), to);
        return batch_with(e);
    };
    for (const auto& body : {
             event_with(R"("session_id":"s")", R"("session_id":null)"),
             event_with(R"("session_id":"s")", R"("session_id":"a\nb\u0000c\u00e9\ud83d\ude00")"),
             event_with(R"("model":"m")", R"("model":"m","later_field":{"x":[1,2.5,"y"]})"),
             event_with(R"("cost":{"micros":5678,"origin":"estimated","reported_micros":null})", R"("cost":null)"),
             event_with(R"("replay":false)", R"("replay":null,"revision":null,"superseded":true)"),
             event_with(R"("input":10)", R"("input":null)"),
             batch_with(kEvent, R"("session_costs":null,)"),
             batch_with(kEvent, R"("session_costs":[{"source":"c","session_id":"s","cost_micros":0}],)"),
         }) {
        CAPTURE(body);
        CHECK(path_of(body) == "fast");
    }
}
