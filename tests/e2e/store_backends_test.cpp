// The storage interface, backend against backend: the random rollup store
// (rollup_fixture.hpp) written to SQLite and to PostgreSQL gives the same
// report, field for field, for every grouping, filter and range, in zones
// with whole-hour and split-hour offsets; PostgreSQL's rollup answers what
// its event scan answers; ingest and tokens behave the same; and concurrent
// writers on one PostgreSQL database lose no per-field max.
#include "store_backends.hpp"

#include <doctest/doctest.h>

#include <latch>
#include <limits>
#include <thread>

#include "analytics/query_paths.hpp"
#include "report_lines.hpp"
#include "rollup_fixture.hpp"
#include "usage/store/token_store.hpp"
#include "usage/sync/ingest.hpp"

namespace {

using usage::GroupBy;
using Lines = std::vector<std::string>;

constexpr std::int64_t kNow = rollup_fixture::kStartMs + 20 * 24 * rollup_fixture::kHourMs + 26597123;

struct Range {
    const char* name;
    const char* since;
    const char* until;
};
const Range kRanges[] = {{"all", "", ""}, {"24h", "", ""}, {"", "2025-03-28", "2025-04-02"}};
const GroupBy kGroups[] = {GroupBy::none,    GroupBy::source, GroupBy::model,      GroupBy::project,
                           GroupBy::machine, GroupBy::user,   GroupBy::repository, GroupBy::session,
                           GroupBy::hour,    GroupBy::day,    GroupBy::week,       GroupBy::month};

std::vector<usage::Filters> filters() {
    std::vector<usage::Filters> out(6);
    out[1].source = "claude-code";
    out[2].model = "SONNET";
    out[3].machine = "laptop";  // a name two machines share
    out[4].user = "alice";
    out[4].project = "api";
    out[5].repository = "https://github.com/acme/r2.git";
    return out;
}

// Every query of the matrix in `tz`, as lines, by `path`.
std::vector<Lines> answers(const usage::Store& store, const std::string& tz, usage::detail::ReadPath path) {
    std::vector<Lines> out;
    for (const auto& range : kRanges)
        for (const auto& f : filters())
            for (GroupBy g : kGroups) {
                usage::Query q;
                q.tz = tz;
                q.range = usage::resolve_range(range.name, range.since, range.until, tz, kNow);
                q.filters = f;
                q.group = g;
                out.push_back(testing::describe(usage::detail::run_query_via(store, q, g == GroupBy::day, path)));
            }
    return out;
}

void fill_random(usage::Store& store, usage::PriceBook& first, usage::PriceBook& second) {
    rollup_fixture::first_prices(first);
    rollup_fixture::second_prices(second);
    store.use_prices(first);
    rollup_fixture::fill(store, 11, 300);
    store.use_prices(second);  // re-prices every stored event
}

}  // namespace

TEST_CASE("store backends: the random store gives the same reports on every backend, rollup and event scan alike") {
    std::vector<std::string> zones = {"UTC", "Asia/Kolkata", "Pacific/Chatham"};
    std::map<std::string, std::vector<std::vector<Lines>>> by_backend;
    testing::for_each_backend([&](const testing::StoreBackend& backend) {
        usage::PriceBook first, second;
        auto store = backend.open();
        fill_random(*store, first, second);
        auto& mine = by_backend[backend.name];
        for (const auto& tz : zones) {
            CAPTURE(tz);
            const auto planned = answers(*store, tz, usage::detail::ReadPath::planned);
            const auto scanned = answers(*store, tz, usage::detail::ReadPath::events);
            REQUIRE(planned.size() == 3 * 6 * 12);
            for (std::size_t i = 0; i < planned.size(); ++i) {
                CAPTURE(i);
                REQUIRE(planned[i] == scanned[i]);
            }
            mine.push_back(planned);
        }
    });
    const auto& sqlite = by_backend.at("sqlite");
    // The fixture's size, so "equal" is not "both empty".
    CHECK(sqlite[0][0][0] ==
          "rows 0 total 4367,332,4,5,37209663253,10836994,4604979,651812,110819818,6462260,1295423,189560429,"
          "16053438,173506991,1235,51,");
    if (!by_backend.contains("postgresql")) return;
    const auto& pg = by_backend.at("postgresql");
    for (std::size_t z = 0; z < zones.size(); ++z)
        for (std::size_t i = 0; i < sqlite[z].size(); ++i) {
            CAPTURE(zones[z]);
            CAPTURE(i);
            REQUIRE(pg[z][i] == sqlite[z][i]);
        }
}

TEST_CASE("store backends: a rollup sum past 64 bits on the first of many pages sends the query to the events") {
    // PostgreSQL reads the rollup a page at a time and asks for the next page
    // before reading one: stopping at the first page must leave the
    // connection ready for the events' statement.
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    testing::for_each_backend([&](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        auto store = backend.open();
        store->use_prices(prices);
        auto batch = [](int from, int count, std::int64_t input) {
            usage::FileBatch b;
            b.source = "claude-code";
            b.path = "/x";
            for (int i = from; i < from + count; ++i) {
                usage::UsageEvent e;
                e.id = "t:" + std::to_string(i);
                e.source = "claude-code";
                e.session_id = input == 1 ? "s" + std::to_string(i) : "huge";
                e.model = "mystery";
                e.timestamp_ms = rollup_fixture::kStartMs + i;
                e.tokens = {input, 1, 0, 0, 0, 0};
                b.events.push_back(e);
            }
            return b;
        };
        store->apply({batch(0, 3, kMax / 2)});  // first in the rollup, in one row
        store->apply({batch(3, 12000, 1)});     // one row per session: pages more
        usage::Query q;
        q.group = GroupBy::day;
        const auto report = usage::run_query(*store, q);
        CHECK(report.totals.overflow);
        CHECK(report.totals.input_tokens == kMax);
        CHECK(report.totals.output_tokens == 12003);
        CHECK(report.totals.sessions == 12001);
        CHECK(testing::describe(report) ==
              testing::describe(usage::detail::run_query_via(*store, q, false, usage::detail::ReadPath::events)));
        // The connection went back to the pool usable: the next query works.
        q.group = GroupBy::none;
        CHECK(usage::run_query(*store, q).totals.events == 12003);
    });
}

TEST_CASE("store backends: ingest stores the token's user, the machines and superseded flags, on every backend") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        usage::PriceBook prices;
        auto store = backend.open();
        store->use_prices(prices);
        usage::sync::IngestBatch b;
        b.machine = {"mach-1111", "MacBook-Pro", "linux", "Europe/Paris", "0.9"};
        b.machine_variants.push_back({"mach-1111/windows", "MacBook-Pro (Windows)", "windows", "", "0.9"});
        for (int i = 0; i < 4; ++i) {
            usage::sync::WireEvent w;
            w.event.id = "claude-code:m" + std::to_string(i) + ":r";
            w.event.source = "claude-code";
            w.event.session_id = "s";
            w.event.model = "claude-sonnet-4-5-20250929";
            w.event.machine_id = i == 3 ? "mach-1111/windows" : "mach-1111";
            w.event.user = "claimed-by-client";
            w.event.timestamp_ms = 1767225600000 + i * 1000;
            w.event.tokens = {1000 + i, 100, 0, 0, 0, 0};
            w.superseded = i == 2;
            b.events.push_back(w);
        }
        auto r = usage::sync::ingest_batch(*store, b, "alice");
        CHECK(r.received == 4);
        CHECK(r.new_events == 4);
        b.events[0].event.tokens.output = 500;  // a grown copy, re-sent with the rest
        r = usage::sync::ingest_batch(*store, b, "alice");
        CHECK(r.new_events == 0);
        CHECK(r.updated == 1);
        CHECK(r.unchanged == 3);
        usage::Query q;
        q.group = GroupBy::machine;
        const auto report = usage::run_query(*store, q);
        CHECK(testing::describe(report) ==
              Lines{"rows 2 total 3,1,1,2,3000,3004,700,0,0,0,0,19512,0,19512,0,0,",
                    "mach-1111|MacBook-Pro|MacBook-Pro|2,1,1,1,1000,2001,600,0,0,0,0,15003,0,15003,0,0,",
                    "mach-1111/windows|MacBook-Pro (Windows)|MacBook-Pro (Windows)|1,1,1,1,0,1003,100,0,0,0,0,4509,0,"
                    "4509,0,0,"});
        q.group = GroupBy::user;
        CHECK(usage::run_query(*store, q).rows.at(0).key == "alice");
    });
}

TEST_CASE("store backends: a call copied into two sessions counts in the same one whatever is stored first") {
    // A resumed session copies earlier calls into its own file, under its
    // own session id: which file a scan commits first must not decide the
    // session (nor the session count). The id that sorts first wins, with
    // its parent session, in the store's merge as in UsageEvent::merge.
    auto copy = [](const std::string& session, const std::string& parent, std::int64_t output) {
        usage::UsageEvent e;
        e.id = "claude-code:m1:r1";
        e.source = "claude-code";
        e.session_id = session;
        e.parent_session_id = parent;
        e.model = "claude-sonnet-4-5-20250929";
        e.timestamp_ms = 1767225600000;
        e.tokens = {100, output, 0, 0, 0, 0};
        return e;
    };
    const auto original = copy("a-original", "p-original", 10);
    const auto resumed = copy("b-resumed", "", 20);
    for (bool original_first : {true, false}) {
        INFO("original first: " << original_first);
        usage::UsageEvent merged = original_first ? original : resumed;
        merged.merge(original_first ? resumed : original);
        CHECK(merged.session_id == "a-original");
        CHECK(merged.parent_session_id == "p-original");
        CHECK(merged.tokens.output == 20);
        testing::for_each_backend([&](const testing::StoreBackend& backend) {
            usage::PriceBook prices;
            auto store = backend.open();
            store->use_prices(prices);
            for (const auto& e : original_first ? std::vector{original, resumed} : std::vector{resumed, original})
                store->apply({usage::FileBatch{"claude-code", "/x/" + e.session_id + ".jsonl", {e}, std::nullopt}});
            usage::Query q;
            q.group = GroupBy::session;
            const auto report = usage::run_query(*store, q);
            REQUIRE(report.rows.size() == 1);
            CHECK(report.rows[0].key == "a-original");
            CHECK(report.totals.sessions == 1);
            CHECK(report.totals.output_tokens == 20);
            // The rollups moved with it: a day's report (read from them) agrees.
            q.group = GroupBy::day;
            CHECK(usage::run_query(*store, q).totals.sessions == 1);
        });
    }
}

TEST_CASE("store backends: tokens are added, found by hash, listed and revoked once, on every backend") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        auto store = backend.open();
        const auto a = usage::add_token(*store, "hash-a", "ua_aaaa", "alice", "member", 1000);
        const auto b = usage::add_token(*store, "hash-b", "ua_bbbb", "bob", "admin", 2000);
        CHECK(b > a);
        CHECK_THROWS_WITH_AS(usage::add_token(*store, "hash-a", "ua_aaaa", "eve", "admin", 3000),
                             doctest::Contains("a token with this hash already exists"), std::runtime_error);
        auto found = usage::find_token(*store, "hash-b");
        REQUIRE(found);
        CHECK(found->user == "bob");
        CHECK(found->role == "admin");
        CHECK(found->created_ms == 2000);
        CHECK_FALSE(found->revoked_ms);
        CHECK_FALSE(usage::find_token(*store, "hash-x"));
        CHECK(usage::revoke_token(*store, a, 5000));
        CHECK(usage::revoke_token(*store, a, 6000));  // the first revocation time is kept
        CHECK_FALSE(usage::revoke_token(*store, 999, 6000));
        const auto all = usage::list_tokens(*store);
        REQUIRE(all.size() == 2);
        CHECK(all[0].prefix == "ua_aaaa");
        CHECK(all[0].revoked_ms == 5000);
        CHECK_FALSE(all[1].revoked_ms);
    });
}

TEST_CASE("store backends: the session cost ledger keeps the largest figure per session, on every backend") {
    testing::for_each_backend([](const testing::StoreBackend& backend) {
        auto store = backend.open();
        const auto cost = [](const std::string& session, std::int64_t micros, std::int64_t at) {
            return usage::SessionCost{"claude-code", session, micros, "claude-opus-4-1", "1.0.80", at};
        };
        CHECK_FALSE(store->session_cost("claude-code", "s1"));
        CHECK(store->record_session_cost(cost("s1", 1230000, 1000)));
        CHECK_FALSE(store->record_session_cost(cost("s1", 1000000, 2000)));  // late and older: kept out
        CHECK_FALSE(store->record_session_cost(cost("s1", 1230000, 2500)));  // the same: nothing written
        auto s1 = store->session_cost("claude-code", "s1");
        REQUIRE(s1);
        CHECK(s1->cost_micros == 1230000);
        CHECK(s1->updated_ms == 1000);
        auto grown = cost("s1", 2500001, 3000);
        grown.model = "claude-sonnet-4-5";
        CHECK(store->record_session_cost(grown));
        CHECK(store->record_session_cost(cost("s2", 0, 4000)));
        CHECK_FALSE(store->session_cost("codex", "s1"));  // another source's session of that id
        CHECK_THROWS_AS(store->record_session_cost(cost("", 5, 5000)), std::invalid_argument);
        CHECK_THROWS_AS(store->record_session_cost(cost("s3", -1, 5000)), std::invalid_argument);

        auto reopened = backend.open();
        const auto all = reopened->session_costs();
        REQUIRE(all.size() == 2);
        CHECK(all[0].session_id == "s1");
        CHECK(all[0].cost_micros == 2500001);
        CHECK(all[0].model == "claude-sonnet-4-5");
        CHECK(all[0].version == "1.0.80");
        CHECK(all[0].updated_ms == 3000);
        CHECK(all[1].session_id == "s2");
        CHECK(all[1].cost_micros == 0);
        CHECK(all[1].updated_ms == 4000);
    });
}

#ifdef USAGE_WITH_POSTGRES
TEST_CASE("store backends: 4 writers on one PostgreSQL database, overlapping copies, end exactly as one writer") {
    testing::PostgresServer* pg = testing::shared_postgres_or_skip();
    if (pg == nullptr) return;
    const auto location = usage::StoreLocation::parse(pg->fresh_database());
    usage::PriceBook prices;
    // Writer w sends every event of 200 with output 10 * (w + 1): the copies
    // race on the same ids, and only the largest may stay.
    auto batch_of = [](int writer, int part) {
        usage::sync::IngestBatch b;
        b.machine = {"mach-" + std::to_string(writer), "box", "linux", "UTC", "1"};
        for (int i = part * 50; i < part * 50 + 50; ++i) {
            usage::sync::WireEvent w;
            w.event.id = "codex-cli:e" + std::to_string(i);
            w.event.source = "codex-cli";
            w.event.session_id = "s" + std::to_string(i % 7);
            w.event.model = "gpt-5-codex";
            w.event.machine_id = "mach-0";
            w.event.timestamp_ms = 1767225600000 + i * 60000;
            w.event.tokens = {100, 10 * (writer + 1), 0, 0, 0, 0};
            b.events.push_back(w);
        }
        return b;
    };
    std::vector<std::unique_ptr<usage::Store>> stores;
    for (int w = 0; w < 4; ++w) {
        stores.push_back(std::make_unique<usage::Store>(location));
        stores.back()->use_prices(prices);
    }
    std::latch start(4);
    std::array<std::string, 4> errors;
    {
        std::vector<std::jthread> threads;
        for (int w = 0; w < 4; ++w)
            threads.emplace_back([&, w] {
                start.arrive_and_wait();
                try {
                    // Writers go through the parts in different orders.
                    for (int k = 0; k < 4; ++k) usage::sync::ingest_batch(*stores[w], batch_of(w, (k + w) % 4), "u");
                } catch (const std::exception& e) {
                    errors[static_cast<std::size_t>(w)] = e.what();
                }
            });
    }
    CHECK(errors == std::array<std::string, 4>{});
    const auto t = usage::run_query(*stores[0], {}).totals;
    CHECK(t.events == 200);
    CHECK(t.input_tokens == 200 * 100);
    CHECK(t.output_tokens == 200 * 40);
    // And the rollup agrees with the events, by session.
    usage::Query q;
    q.group = GroupBy::session;
    CHECK(testing::describe(usage::detail::run_query_via(*stores[0], q, true, usage::detail::ReadPath::planned)) ==
          testing::describe(usage::detail::run_query_via(*stores[0], q, true, usage::detail::ReadPath::events)));
}
#endif
