// Parsing one OpenCode message: the token model, key order, JavaScript's
// number quirks, and what counts as malformed.
#include "../opencode_message.hpp"

#include <doctest/doctest.h>

#include <string>
#include <tuple>

using namespace usage::plugins::opencode;

namespace {

MessageOutcome parse(const std::string& json, MessageUsage& m) {
    std::string buf = json;
    buf.resize(json.size() + kJsonPadding);
    simdjson::ondemand::parser parser;
    return parse_message(parser, buf.data(), json.size(), buf.size(), m);
}

}  // namespace

TEST_CASE("opencode message: output = output + reasoning, input excludes cache, any key order") {
    MessageUsage m;
    // tokens before role, `total` (newer versions) ignored, cache write -> 5m.
    REQUIRE(parse(R"({"tokens":{"total":99999,"cache":{"write":30,"read":400},"reasoning":7,"output":20,"input":5},)"
                  R"("cost":0,"role":"assistant","modelID":"gpt-5","providerID":"openai",)"
                  R"("time":{"completed":1767225601000,"created":1767225600000},"path":{"root":"/r","cwd":"/r/s"}})",
                  m) == MessageOutcome::usage);
    CHECK(m.tokens.input == 5);
    CHECK(m.tokens.output == 27);
    CHECK(m.tokens.reasoning == 7);
    CHECK(m.tokens.cache_read == 400);
    CHECK(m.tokens.cache_write_5m == 30);
    CHECK(m.tokens.cache_write_1h == 0);
    CHECK(m.tokens.total() == 462);
    CHECK(m.model == "gpt-5");
    CHECK(m.provider == "openai");
    CHECK(m.created_ms == 1767225600000);
    CHECK(m.path_root == "/r");
    CHECK(m.path_cwd == "/r/s");
    CHECK(m.cost == 0);
}

TEST_CASE("opencode message: null (JavaScript's NaN) reads as 0") {
    MessageUsage m;
    REQUIRE(parse(R"({"role":"assistant","cost":null,"tokens":{"input":12,"output":null,"reasoning":0,)"
                  R"("cache":{"read":0,"write":0}}})",
                  m) == MessageOutcome::usage);
    CHECK(m.tokens.input == 12);
    CHECK(m.tokens.output == 0);
    CHECK(m.cost == 0);
}

// JSON.stringify writes an integral number without a fraction, so a count
// with one (or an exponent, a sign, quotes) is not a number OpenCode wrote.
TEST_CASE("opencode message: a count or cost that is not one makes the message invalid, naming the field") {
    for (auto [json, field, value] :
         {std::tuple{R"({"role":"assistant","tokens":{"input":12.0}})", "tokens.input", "12.0"},
          {R"({"role":"assistant","tokens":{"input":"12"}})", "tokens.input", "\"12\""},
          {R"({"role":"assistant","tokens":{"input":1,"output":-3}})", "tokens.output", "-3"},
          {R"({"role":"assistant","tokens":{"reasoning":1e3}})", "tokens.reasoning", "1e3"},
          {R"({"role":"assistant","tokens":{"cache":{"read":1000000001}}})", "tokens.cache.read", "1000000001"},
          {R"({"role":"assistant","tokens":{"cache":{"write":99999999999999999999}}})", "tokens.cache.write",
           "99999999999999999999"},
          {R"({"role":"assistant","cost":-0.5,"tokens":{"input":1}})", "cost", "-0.5"},
          {R"({"role":"assistant","cost":1e10,"tokens":{"input":1}})", "cost", "1e10"}}) {
        INFO(json);
        // `bad` points into the parsed buffer: keep it alive for the checks.
        std::string buf = json;
        buf.resize(buf.size() + kJsonPadding);
        simdjson::ondemand::parser parser;
        MessageUsage m;
        CHECK(parse_message(parser, buf.data(), std::string_view(json).size(), buf.size(), m) ==
              MessageOutcome::invalid);
        CHECK(m.bad.field == field);
        CHECK(m.bad.value == value);
    }
}

TEST_CASE("opencode message: skipped and malformed") {
    MessageUsage m;
    CHECK(parse(R"({"role":"user","time":{"created":1},"agent":"build"})", m) == MessageOutcome::skipped);
    // A user message is skipped whatever its other fields hold.
    CHECK(parse(R"({"role":"user","tokens":"x"})", m) == MessageOutcome::skipped);
    // Still streaming: all zero, no cost.
    CHECK(parse(R"({"role":"assistant","cost":0,"tokens":{"input":0,"output":0,"reasoning":0,)"
                R"("cache":{"read":0,"write":0}}})",
                m) == MessageOutcome::skipped);
    CHECK(parse(R"({"role":"assistant","cost":0.5,"tokens":{"input":0,"output":0,"reasoning":0,)"
                R"("cache":{"read":0,"write":0}}})",
                m) == MessageOutcome::usage);
    CHECK(parse(R"({"role":"assistant","cost":0})", m) == MessageOutcome::malformed);
    CHECK(parse(R"({"role":"assistant","tokens":[1]})", m) == MessageOutcome::malformed);
    CHECK(parse(R"({"role":"assistant","tokens":{"input":1,"output")", m) == MessageOutcome::malformed);
    CHECK(parse(R"([1,2])", m) == MessageOutcome::malformed);
    CHECK(parse("", m) == MessageOutcome::malformed);
}

TEST_CASE("opencode message: a call that failed without using anything is a failed call, named by its error") {
    const std::string zero = R"("cost":0,"tokens":{"input":0,"output":0,"reasoning":0,"cache":{"read":0,"write":0}})";
    for (auto [error, want] :
         {std::pair{R"({"name":"APIError","data":{"message":"Overloaded","statusCode":529,"isRetryable":true}})",
                    "http_529"},
          {R"({"name":"APIError","data":{"message":"Connection reset by server","isRetryable":true}})", "api_error"},
          {R"({"name":"UnknownError","data":{"message":"fetch failed"}})", "unknown_error"},
          {R"({"name":"ProviderAuthError","data":{"providerID":"anthropic","message":"no key"}})",
           "provider_auth_error"}}) {
        INFO(error);
        MessageUsage m;
        REQUIRE(parse(R"({"role":"assistant","time":{"created":1767225600000},"error":)" + std::string(error) +
                          R"(,"modelID":"claude-sonnet-4-5","providerID":"anthropic",)" + zero + "}",
                      m) == MessageOutcome::usage);
        CHECK(m.failure == want);
        CHECK(m.tokens.total() == 0);
        CHECK(m.model == "claude-sonnet-4-5");
        const auto e = make_event(m, "msg_f", {"ses", "", "/w/app"}, Copy::database);
        CHECK(e.failure == want);
        CHECK(e.id == "opencode:msg_f:db");
    }
    MessageUsage m;
    // The user stopped it: no call failed, nothing to count.
    CHECK(parse(R"({"role":"assistant","error":{"name":"MessageAbortedError","data":{"message":"aborted"}},)" + zero +
                    "}",
                m) == MessageOutcome::skipped);
    // Cut at the output limit: an answered call, with its usage.
    CHECK(parse(R"({"role":"assistant","error":{"name":"MessageOutputLengthError","data":{}},"cost":0,)"
                R"("tokens":{"input":10,"output":4000,"reasoning":0,"cache":{"read":0,"write":0}}})",
                m) == MessageOutcome::usage);
    CHECK(m.failure.empty());
    // Failed after using tokens: the usage it had counts, as an answered call.
    CHECK(parse(R"({"role":"assistant","error":{"name":"APIError","data":{"statusCode":500}},"cost":0,)"
                R"("tokens":{"input":10,"output":3,"reasoning":0,"cache":{"read":0,"write":0}}})",
                m) == MessageOutcome::usage);
    CHECK(m.failure.empty());
    CHECK(m.tokens.input == 10);
}

TEST_CASE("opencode message: project names from POSIX and Windows paths") {
    CHECK(last_path_component("/home/u/app") == "app");
    CHECK(last_path_component("/home/u/app/") == "app");
    CHECK(last_path_component("C:\\Users\\u\\proj") == "proj");
    CHECK(last_path_component("/") == "");
    CHECK(last_path_component("") == "");
}

TEST_CASE("opencode message: the event of a database row and of a legacy copy") {
    MessageUsage m;
    m.model = "claude-sonnet-4-5-20250929";
    m.provider = "anthropic";
    m.created_ms = 42;
    m.cost = 0.0123;
    m.tokens.input = 1;
    m.path_root = "/";
    m.path_cwd = "/tmp/scratch";
    const SessionPlace place{"ses_root", "ses_child", ""};
    const auto db = make_event(m, "msg_1", place, Copy::database);
    CHECK(db.id == "opencode:msg_1:db");
    CHECK(db.dedup_group == "opencode:msg_1:");
    CHECK_FALSE(db.replay);
    CHECK(db.source == "opencode");
    CHECK(db.session_id == "ses_root");
    CHECK(db.parent_session_id == "ses_child");
    CHECK(db.reported_cost_micros == 12300);
    CHECK(db.surface == "cli");
    CHECK(db.timestamp_ms == 42);
    // path.root "/" means "not in git": the working directory names the project.
    CHECK(db.project_path == "/tmp/scratch");
    CHECK(db.project_name == "scratch");
    const auto legacy = make_event(m, "msg_1", place, Copy::legacy_file);
    CHECK(legacy.id == "opencode:msg_1:json");
    CHECK(legacy.dedup_group == db.dedup_group);
    CHECK(legacy.replay);
    m.cost = 0;
    CHECK_FALSE(make_event(m, "msg_1", {"s", "", "/w/app"}, Copy::database).reported_cost_micros.has_value());
    CHECK(make_event(m, "msg_1", {"s", "", "/w/app"}, Copy::database).project_name == "app");
}
