// The one rule for token counts (usage/model/token_limits.hpp) as the plugins read
// it (ondemand_token_count) and the warning it produces.
#include "usage/model/token_limits.hpp"

#include <doctest/doctest.h>

#include <string>

#include "test_support.hpp"
#include "usage/scan/ondemand_values.hpp"

namespace {

struct Read {
    bool ok = false;
    std::int64_t value = -1;
    std::string field, shown, rule;
};

// `{"n": RAW, "after": 7}` through ondemand_token_count; the field after
// the bad one must still read (a bad count never derails the record).
Read read_count(const std::string& raw, bool running = false) {
    const simdjson::padded_string doc("{\"n\": " + raw + ", \"after\": 7}");
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document document;
    REQUIRE(parser.iterate(doc).get(document) == simdjson::SUCCESS);
    simdjson::ondemand::object object;
    REQUIRE(document.get_object().get(object) == simdjson::SUCCESS);
    Read r;
    usage::detail::BadNumber bad;
    std::int64_t after = 0;
    for (auto field : object) {
        std::string_view key;
        REQUIRE(field.unescaped_key().get(key) == simdjson::SUCCESS);
        if (key == "n")
            r.ok = running ? usage::detail::ondemand_running_total(field.value(), r.value, "n", bad)
                           : usage::detail::ondemand_token_count(field.value(), r.value, "n", bad);
        else
            usage::detail::ondemand_token_count(field.value(), after, "after", bad);
    }
    CHECK(after == 7);
    r.field = std::string(bad.field);
    r.shown = std::string(bad.value);
    r.rule = std::string(bad.rule);
    return r;
}

}  // namespace

TEST_CASE("token counts: integers from 0 to the cap are counts, null is 0") {
    for (auto [raw, want] : {std::pair{"0", 0LL}, {"12", 12LL}, {"1000000000", 1000000000LL}, {"null", 0LL}}) {
        INFO(raw);
        const Read r = read_count(raw);
        CHECK(r.ok);
        CHECK(r.value == want);
        CHECK(r.field.empty());
    }
}

TEST_CASE("token counts: anything else is noted with its text as written") {
    for (auto [raw, shown] : {std::pair{"-5", "-5"},
                              {"-0", "-0"},
                              {"12.5", "12.5"},
                              {"12.0", "12.0"},
                              {"1e3", "1e3"},
                              {"1e400", "1e400"},
                              {"\"12\"", "\"12\""},
                              {"true", "true"},
                              {"1000000001", "1000000001"},
                              {"9223372036854775807", "9223372036854775807"},
                              {"99999999999999999999", "99999999999999999999"},
                              {"{\"a\": 1}", "an object"},
                              {"[1]", "an array"}}) {
        INFO(raw);
        const Read r = read_count(raw);
        CHECK_FALSE(r.ok);
        CHECK(r.value == -1);  // left unchanged
        CHECK(r.field == "n");
        CHECK(usage::quoted_value(r.shown) == shown);
        CHECK(r.rule == "not a token count (0..1000000000)");
    }
}

TEST_CASE("token counts: running totals may reach their own, larger cap") {
    CHECK(read_count("1000000000000000", true).ok);
    const Read over = read_count("1000000000000001", true);
    CHECK_FALSE(over.ok);
    CHECK(over.rule == "not a running token total (0..1000000000000000)");
}

TEST_CASE("token counts: the warning names file, line, field and how many") {
    usage::InvalidEvents invalid;
    invalid.add(usage::RecordPlace::at_line(17), "message.usage.output_tokens", "-5");
    invalid.add(usage::RecordPlace::at_line(40), "message.usage.input_tokens", "12.5");
    CHECK(invalid.count == 2);
    CHECK(invalid.warning("/home/u/.claude/projects/p/s.jsonl") ==
          "/home/u/.claude/projects/p/s.jsonl:17: message.usage.output_tokens is -5, not a token count "
          "(0..1000000000): event skipped (2 invalid events in this file)");

    usage::InvalidEvents row;
    row.add(usage::RecordPlace::at_row("message msg_1"), "cost", "-1", usage::kCallCostRule);
    CHECK(row.warning("/d/opencode.db") ==
          "/d/opencode.db: message msg_1: cost is -1, not a cost (0..1000000000 USD): event skipped (1 invalid "
          "event in this file)");
}

TEST_CASE("token counts: a byte offset becomes a line number only when warning") {
    testing::TempDir dir;
    const auto file = dir / "t.jsonl";
    testing::write_file(file, "{}\n{}\n\n{\"bad\": -1}\n");
    usage::InvalidEvents invalid;
    invalid.add(usage::RecordPlace::at_offset(7), "bad", "-1");
    CHECK(invalid.first_place.line == 0);
    invalid.resolve_line(file);
    CHECK(invalid.first_place.line == 4);
    CHECK(invalid.warning(file).starts_with(file.string() + ":4: bad is -1, "));
}

TEST_CASE("token counts: a shown value is cut and control bytes are made visible") {
    CHECK(usage::quoted_value("12 \n") == "12");
    CHECK(usage::quoted_value("\"a\x1b[31mb\"") == "\"a?[31mb\"");
    CHECK(usage::quoted_value(std::string(50, '9')) == std::string(40, '9') + "...");
}
