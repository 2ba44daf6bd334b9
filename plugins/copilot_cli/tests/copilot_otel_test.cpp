// The OpenTelemetry file export: the real 1.0.78 samples (../shared) and
// spans built in the export's shape.
#include <doctest/doctest.h>

#include "../copilot_event.hpp"
#include "../copilot_otel_reader.hpp"
#include "copilot_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using copilot_test::chat_span;
using copilot_test::file_of;
using usage::plugins::copilot::kKindOtel;
using usage::plugins::copilot::scan_otel_export;

namespace {

constexpr const char* kSession = "d85af7c8-bde4-412e-988e-1bf2160178a8";

usage::ScanResult scan(const fs::path& p, std::uint64_t offset = 0) {
    return scan_otel_export(file_of(p, kKindOtel), usage::ScanStart{offset, {}});
}

}  // namespace

TEST_CASE("copilot otel: the real unredacted 3-line export gives its one chat call exactly") {
    auto shared = testing::shared_dir("the Copilot CLI 1.0.78 OTel sample");
    if (!shared) return;
    const fs::path f =
        *shared / "fixtures/new-sources/copilot-cli/otel_file_export_cli-1.0.78-2_unredacted_head3.jsonl";
    const auto r = scan(f);
    CHECK(r.malformed_lines == 0);
    CHECK(r.invalid.count == 0);
    REQUIRE(r.events.size() == 1);
    const auto& e = r.events[0];
    CHECK(e.id == std::string("copilot-cli:") + kSession + ":otel:321648a1c0eab9db79a7e72e47d42fac:b51d3cec961bdfe7");
    CHECK(e.dedup_group == std::string("copilot-cli:") + kSession + ":");
    CHECK(e.replay);
    CHECK_FALSE(e.aggregate);  // one span is one call: its tier applies
    CHECK(e.session_id == kSession);
    CHECK(e.model == "claude-opus-4.6");
    CHECK(e.pricing_model == "claude-opus-4-6");
    CHECK(e.provider == "anthropic");
    // 22799 written = 10 uncached + 13013 cache read + 9776 cache creation.
    CHECK(e.tokens.input == 10);
    CHECK(e.tokens.cache_read == 13013);
    CHECK(e.tokens.cache_write_5m == 9776);
    CHECK(e.tokens.cache_write_1h == 0);
    CHECK(e.tokens.output == 77);
    CHECK(e.tokens.reasoning == 13);
    // 6,958,150,000 nano-AIU = $0.0695815 -> 69581.5 micro-USD, rounded.
    REQUIRE(e.reported_cost_micros.has_value());
    CHECK(*e.reported_cost_micros == 69582);
    CHECK(e.timestamp_ms == 1785773061496);  // endTime [1785773061, 496000000]
    CHECK(e.surface == "cli");
    CHECK(r.offset == fs::file_size(f));
}

TEST_CASE("copilot otel: the publisher-redacted export gives no call, 21 invalid chat spans and a warning") {
    auto shared = testing::shared_dir("the Copilot CLI 1.0.78 redacted OTel export");
    if (!shared) return;
    const fs::path f =
        *shared / "fixtures/new-sources/copilot-cli/otel_file_export_cli-1.0.78-2_tokens-redacted-by-publisher.jsonl";
    auto r = scan(f);
    // 144 records: 21 chat spans, 20 execute_tool spans, 1 invoke_agent span,
    // 102 metrics. Every chat span's usage is the string "[REDACTED]".
    CHECK(r.events.empty());
    CHECK(r.malformed_lines == 0);
    CHECK(r.invalid.count == 21);
    CHECK(r.invalid.first_field == "gen_ai.usage.input_tokens");
    CHECK(r.invalid.first_value == "\"[REDACTED]\"");
    r.invalid.resolve_line(f);
    const std::string w = r.invalid.warning(f);
    INFO(w);
    CHECK(w.find("gen_ai.usage.input_tokens is \"[REDACTED]\"") != std::string::npos);
    CHECK(w.find("(21 invalid events in this file)") != std::string::npos);
    CHECK(r.offset == fs::file_size(f));
}

TEST_CASE("copilot otel: only chat spans count, once each, and appends are read from the offset") {
    testing::TempDir dir;
    const fs::path f = dir / "otel.jsonl";
    const std::string a = chat_span("t1", "s1", "sess-1", "claude-sonnet-4.5", {1500, 200, 1000, 300, 50}, 2.5e9);
    const std::string b = chat_span("t1", "s2", "sess-1", "gpt-5-mini", {800, 40, 0, 0, 0}, 1e8);
    testing::write_file(f, copilot_test::invoke_agent_span("t1", "sess-1", 2300) + a + copilot_test::usage_metric() +
                               a /* the same span exported twice */ + "{\"type\":\"span\",\"name\":\"chat x\"\n");
    auto r = scan(f);
    CHECK(r.malformed_lines == 1);  // the cut line that names a chat span
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "copilot-cli:sess-1:otel:t1:s1");
    CHECK(r.events[0].tokens.input == 200);  // 1500 - 1000 - 300
    CHECK(r.events[0].tokens.cache_read == 1000);
    CHECK(r.events[0].tokens.cache_write_5m == 300);
    CHECK(r.events[0].tokens.output == 200);
    CHECK(r.events[0].tokens.reasoning == 50);
    CHECK(*r.events[0].reported_cost_micros == 25000);  // 2.5e9 nano-AIU = $0.025
    CHECK(r.events[0].pricing_model == "claude-sonnet-4-5");

    const std::uint64_t offset = r.offset;
    testing::append_file(f, b);
    r = scan(f, offset);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "copilot-cli:sess-1:otel:t1:s2");
    CHECK(r.events[0].model == "gpt-5-mini");
    CHECK(r.events[0].pricing_model.empty());  // priced as written
    CHECK(r.events[0].provider == "openai");
    CHECK(r.events[0].tokens.input == 800);
    CHECK(*r.events[0].reported_cost_micros == 1000);
    CHECK(r.offset == fs::file_size(f));
}

TEST_CASE("copilot otel: a usage value that is not a count makes the span invalid, never a zero call") {
    testing::TempDir dir;
    const fs::path f = dir / "otel.jsonl";
    std::string bad = chat_span("t2", "s1", "sess-2", "claude-opus-4.6", {10, 5, 0, 0, 0}, 1);
    bad.replace(bad.find("\"gen_ai.usage.output_tokens\":5"), 30, "\"gen_ai.usage.output_tokens\":-5");
    std::string fractional = chat_span("t2", "s2", "sess-2", "claude-opus-4.6", {10, 5, 0, 0, 0}, 1);
    fractional.replace(fractional.find("\"gen_ai.usage.input_tokens\":10"), 30, "\"gen_ai.usage.input_tokens\":1.5");
    testing::write_file(f, bad + fractional + chat_span("t2", "s3", "sess-2", "claude-opus-4.6", {10, 5, 0, 0, 0}, 0));
    const auto r = scan(f);
    CHECK(r.invalid.count == 2);
    CHECK(r.invalid.first_field == "gen_ai.usage.output_tokens");
    CHECK(r.invalid.first_value == "-5");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].tokens.total() == 15);
    CHECK(*r.events[0].reported_cost_micros == 0);
}

TEST_CASE("copilot otel: a span without a conversation id counts alone (no supersede group)") {
    testing::TempDir dir;
    const fs::path f = dir / "otel.jsonl";
    testing::write_file(f, chat_span("t3", "s1", "", "claude-haiku-4.5", {100, 10, 0, 0, 0}, 5e8));
    const auto r = scan(f);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "copilot-cli:otel:t3:s1");
    CHECK(r.events[0].dedup_group.empty());
    CHECK_FALSE(r.events[0].replay);
    CHECK(r.events[0].pricing_model == "claude-haiku-4-5");
}
