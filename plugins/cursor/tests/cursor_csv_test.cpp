// The `cursor-csv` importer through the plugin registry: the project's own
// export fixtures (old and new headers) against their expected.json, the
// CSV reader's quoting rules, header errors and stable ids across re-exports.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../csv_reader.hpp"
#include "test_support.hpp"
#include "usage/scan/source.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kFixtures = fs::path(USAGE_SOURCE_DIR) / "plugins/cursor/tests/fixtures";
const std::string kHeader =
    "Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total "
    "Tokens,Cost\n";

usage::ScanResult import_csv(const fs::path& file) {
    const usage::SourcePlugin* p = usage::find_source_plugin("cursor");
    REQUIRE(p != nullptr);
    return p->import_file("cursor-csv", file);
}

usage::ScanResult import_text(const std::string& text) {
    testing::TempDir tmp;
    testing::write_file(tmp / "usage.csv", text);
    return import_csv(tmp / "usage.csv");
}

std::vector<std::vector<std::string>> read_records(const std::string& text, std::vector<bool>* ok = nullptr) {
    usage::plugins::cursor::CsvReader reader(text);
    usage::plugins::cursor::CsvRecord rec;
    std::vector<std::vector<std::string>> out;
    while (reader.next(rec)) {
        out.push_back(rec.fields);
        if (ok) ok->push_back(rec.well_formed);
    }
    return out;
}

}  // namespace

TEST_CASE("cursor csv fixtures: every case matches its expected.json") {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (entry.is_directory() && entry.path().filename().string().starts_with("csv-"))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    REQUIRE(names == std::vector<std::string>{"csv-new-header", "csv-old-header"});
    for (const auto& name : names) {
        INFO(name);
        const json want = json::parse(testing::read_file(kFixtures / name / "expected.json"));
        auto r = import_csv(kFixtures / name / "usage.csv");
        usage::TokenCounts sum;
        std::int64_t reported = 0, reported_events = 0;
        for (const auto& e : r.events) {
            CHECK(e.source == "cursor");
            CHECK(e.id.starts_with("cursor:csv:"));
            CHECK(!e.replay);
            sum.input += e.tokens.input;
            sum.output += e.tokens.output;
            sum.cache_read += e.tokens.cache_read;
            sum.cache_write_5m += e.tokens.cache_write_5m;
            sum.cache_write_1h += e.tokens.cache_write_1h;
            if (e.reported_cost_micros) {
                ++reported_events;
                reported += *e.reported_cost_micros;
            }
        }
        CHECK(r.events.size() == want["events"].get<std::size_t>());
        CHECK(sum.input == want["input"].get<std::int64_t>());
        CHECK(sum.output == want["output"].get<std::int64_t>());
        CHECK(sum.cache_read == want["cache_read"].get<std::int64_t>());
        CHECK(sum.cache_write_5m == want["cache_write_5m"].get<std::int64_t>());
        CHECK(sum.cache_write_1h == 0);
        CHECK(sum.total() == want["total"].get<std::int64_t>());
        CHECK(reported_events == want["reported_events"].get<std::int64_t>());
        CHECK(reported == want["reported_cost_micros"].get<std::int64_t>());
        CHECK(r.malformed_lines == want["malformed"].get<std::uint64_t>());
        REQUIRE(r.covers);
        CHECK(r.covers->from_ms == want["covers_from_ms"].get<std::int64_t>());
        CHECK(r.covers->to_ms == want["covers_to_ms"].get<std::int64_t>());
    }
}

TEST_CASE("cursor csv: one row in detail (new header)") {
    auto r = import_text(kHeader +
                         "\"2026-01-12T09:15:00.250Z\",\"Included\",\"claude-4.5-sonnet-thinking\",\"No\",\"1200\","
                         "\"300\",\"15000\",\"800\",\"17300\",\"Included\"\n");
    REQUIRE(r.events.size() == 1);
    const auto& e = r.events[0];
    CHECK(e.id == "cursor:csv:1768209300250:claude-4.5-sonnet-thinking:0");
    CHECK(e.model == "claude-4.5-sonnet-thinking");
    CHECK(e.pricing_model == "claude-sonnet-4-5");
    CHECK(e.provider == "anthropic");
    CHECK(e.timestamp_ms == 1768209300250);
    CHECK(e.tokens == usage::TokenCounts{300, 800, 0, 15000, 1200, 0});
    CHECK(!e.reported_cost_micros);  // Included: estimated from prices
    CHECK(e.session_id.empty());
    CHECK(e.dedup_group.empty());
}

TEST_CASE("cursor csv: costs: numeric reported, Included / - estimated, Not Charged reported as zero") {
    auto r = import_text(kHeader +
                         "2026-01-12T09:00:00Z,On-Demand,gpt-5,No,0,10,0,1,11,0.03\n"
                         "2026-01-12T09:01:00Z,Included,gpt-5,No,0,10,0,1,11,Included\n"
                         "2026-01-12T09:02:00Z,Included,gpt-5,No,0,10,0,1,11,-\n"
                         "2026-01-12T09:03:00Z,Included,gpt-5,No,0,10,0,1,11,\n"
                         "2026-01-12T09:04:00Z,\"Aborted, Not Charged\",gpt-5,No,0,10,0,1,11,-\n"
                         "2026-01-12T09:05:00Z,On-Demand,gpt-5,No,0,10,0,1,11,$0.0000005\n");
    REQUIRE(r.events.size() == 6);
    std::vector<std::optional<std::int64_t>> costs;
    for (const auto& e : r.events) costs.push_back(e.reported_cost_micros);
    CHECK(costs == std::vector<std::optional<std::int64_t>>{30000, std::nullopt, std::nullopt, std::nullopt, 0, 1});
}

TEST_CASE("cursor csv: header found by name in any order, extra columns ignored") {
    auto r = import_text(
        "User,Cost,Output Tokens,Cache Read,Input (w/o Cache Write),Input (w/ Cache Write),Model,Date\n"
        "dev@example.invalid,0.05,7,3,2,1,gpt-5,2026-01-12T09:00:00Z\n");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].tokens == usage::TokenCounts{2, 7, 0, 3, 1, 0});
    CHECK(r.events[0].reported_cost_micros == 50000);
    CHECK(r.malformed_lines == 0);
}

TEST_CASE("cursor csv: a missing required column is one error naming the file and the column") {
    testing::TempDir tmp;
    testing::write_file(tmp / "export.csv", "Date,Model,Cache Read,Output Tokens\n2026-01-12,gpt-5,1,1\n");
    try {
        (void)import_csv(tmp / "export.csv");
        FAIL("expected an error");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.find((tmp / "export.csv").string()) != std::string::npos);
        CHECK(what.find("'Input (w/ Cache Write)'") != std::string::npos);
    }
    testing::write_file(tmp / "empty.csv", "\xEF\xBB\xBF\r\n");
    CHECK_THROWS_WITH_AS((void)import_csv(tmp / "empty.csv"), doctest::Contains((tmp / "empty.csv").string().c_str()),
                         std::runtime_error);
    CHECK_THROWS_AS((void)import_csv(tmp / "absent.csv"), std::runtime_error);
}

TEST_CASE("cursor csv: ids stay the same across re-exports that overlap, reorder or extend") {
    const std::string a = "2026-01-12T09:00:00Z,Included,gpt-5,No,0,10,0,1,11,-\n";
    const std::string b = "2026-01-12T09:00:00Z,Included,gpt-5,No,0,20,0,2,22,-\n";  // same time and model
    const std::string c = "2026-01-12T10:00:00Z,Included,auto,No,5,5,5,5,20,-\n";
    const std::string d = "2026-01-12T11:00:00Z,Included,auto,No,1,1,1,1,4,-\n";
    auto ids = [](const usage::ScanResult& r) {
        std::map<std::string, std::int64_t> out;  // id -> input tokens
        for (const auto& e : r.events) out.emplace(e.id, e.tokens.input);
        return out;
    };
    auto first = ids(import_text(kHeader + c + b + a));
    auto later = ids(import_text(kHeader + d + a + c + b));  // newer export: other order, one more row
    CHECK(first.size() == 3);
    CHECK(first == std::map<std::string, std::int64_t>{{"cursor:csv:1768208400000:gpt-5:0", 10},
                                                       {"cursor:csv:1768208400000:gpt-5:1", 20},
                                                       {"cursor:csv:1768212000000:auto:0", 5}});
    for (const auto& [id, input] : first) CHECK(later.at(id) == input);
    CHECK(later.size() == 4);
}

TEST_CASE("csv reader: quotes, separators and line breaks inside quotes, CRLF / CR, BOM, blank lines") {
    std::vector<bool> ok;
    auto recs = read_records(
        "\xEF\xBB\xBF"
        "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        "\r\n"
        "\"multi\nline\",,x\r"
        "last,\"\",end",
        &ok);
    REQUIRE(recs.size() == 3);
    CHECK(recs[0] == std::vector<std::string>{"a", "b,c", "say \"hi\""});
    CHECK(recs[1] == std::vector<std::string>{"multi\nline", "", "x"});
    CHECK(recs[2] == std::vector<std::string>{"last", "", "end"});
    CHECK(ok == std::vector<bool>{true, true, true});
}

TEST_CASE("csv reader: bad quoting is one malformed record, never the rest of the file") {
    std::vector<bool> ok;
    // Text after a closing quote, a quote inside an unquoted field, a quote
    // never closed (only its first line is given up).
    auto recs = read_records("h1,h2\n\"x\"y,3\nab\"c,4\n\"open,1\nnext,2\nlast,5\n", &ok);
    REQUIRE(recs.size() == 6);
    CHECK(ok == std::vector<bool>{true, false, false, false, true, true});
    CHECK(recs[4] == std::vector<std::string>{"next", "2"});
    CHECK(recs[5] == std::vector<std::string>{"last", "5"});
}

TEST_CASE("cursor csv: malformed rows and invalid counts are counted and nothing else is lost") {
    auto r = import_text(kHeader +
                         "2026-01-12T09:00:00Z,Included,gpt-5,No,0,10,0,1,11,-\n"
                         "\"2026-01-12T09:01:00Z,Included,gpt-5,No,0,10,0,1,11,-\n"  // unterminated quote
                         "2026-01-12T09:02:00Z,Included,gpt-5,No,0,-5,0,1,11,-\n"    // negative count
                         "2026-01-12T09:03:00Z,Included,gpt-5,No,0,ten,0,1,11,-\n"   // not a number
                         "2026-01-12T09:04:00Z,Included,gpt-5,No,0,10,0,1,11,-,extra\n"
                         "2026-01-12T09:05:00Z,Included,gpt-5,No,0,10,0,1,11,-\n");
    CHECK(r.malformed_lines == 2);
    CHECK(r.invalid.count == 2);
    CHECK(r.invalid.warning("e.csv") ==
          "e.csv:4: column 'Input (w/o Cache Write)' is -5, not a token count (0..1000000000): event skipped (2 "
          "invalid events in this file)");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].timestamp_ms == 1768208400000);
    CHECK(r.events[1].timestamp_ms == 1768208700000);
    REQUIRE(r.covers);
    CHECK(r.covers->from_ms == 1768208400000);
    CHECK(r.covers->to_ms == 1768208700000);
}
