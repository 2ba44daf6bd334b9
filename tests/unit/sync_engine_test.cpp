// The scan engine with a store that fails mid-scan: the parsers, blocked on
// the full result queue, must be stopped (not left hanging), the error must
// reach the caller, and a later scan must complete the work exactly.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <string>

#include "store/sqlite/sqlite_backend.hpp"
#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/pricing/pricing.hpp"
#include "usage/scan/scan_engine.hpp"

namespace {

constexpr int kFiles = 300;
constexpr int kCallsPerFile = 3;

// kFiles transcripts of kCallsPerFile distinct calls each, in one project.
void write_home(const std::filesystem::path& home) {
    for (int f = 0; f < kFiles; ++f) {
        std::string text;
        for (int c = 0; c < kCallsPerFile; ++c) {
            const std::string n = std::to_string(f) + "_" + std::to_string(c);
            text += claude_test::Assistant("msg_" + n, "req_" + n, 100, 0, 0, 10).line();
        }
        testing::write_file(home / ".claude/projects/-work-app" / ("s" + std::to_string(f) + ".jsonl"), text);
    }
}

}  // namespace

TEST_CASE("scan: a store error mid-scan stops the parsers and reaches the caller, the next scan completes") {
    testing::TempDir dir;
    write_home(dir / "home");
    const usage::Environment env({{"HOME", (dir / "home").string()}});
    usage::Config config;
    config.machine_name = "box";
    config.user = "u";
    usage::PriceBook prices;
    usage::Store store(dir / "state");
    store.use_prices(prices);
    usage::ScanOptions options;
    options.only_sources = {"claude-code"};
    options.threads = 2;

    // Let the database grow by a few pages only: the writer fails with
    // SQLITE_FULL after some files, while both parsers wait on the queue.
    const auto pages = usage::detail::sqlite_database(store).execAndGet("PRAGMA page_count").getInt64();
    usage::detail::sqlite_database(store).exec("PRAGMA max_page_count = " + std::to_string(pages + 2));
    CHECK_THROWS_AS(usage::scan_sources(store, config, env, options), SQLite::Exception);
    CHECK(usage::run_query(store, {}).totals.events == 0);  // rolled back to the last commit

    usage::detail::sqlite_database(store).exec("PRAGMA max_page_count = 1073741823");
    const auto stats = usage::scan_sources(store, config, env, options);
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].files_read == kFiles);
    CHECK(stats[0].events_new == kFiles * kCallsPerFile);
    const auto totals = usage::run_query(store, {}).totals;
    CHECK(totals.events == kFiles * kCallsPerFile);
    CHECK(totals.input_tokens == kFiles * kCallsPerFile * 100);
}
