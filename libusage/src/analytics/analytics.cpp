// run_query: whole UTC hours from the rollup, the edges of the range and
// the hours a zone's buckets split from the events (read_plan.hpp), added up
// in C++ (aggregate.hpp) into the same Report the events alone give.
#include "usage/analytics/analytics.hpp"

#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "analytics/aggregate.hpp"
#include "analytics/query_paths.hpp"
#include "analytics/read_plan.hpp"
#include "analytics/time_zone.hpp"
#include "store/store_backend.hpp"

namespace usage {
namespace {

constexpr std::pair<const char*, GroupBy> kGroupNames[] = {
    {"none", GroupBy::none},
    {"source", GroupBy::source},
    {"model", GroupBy::model},
    {"project", GroupBy::project},
    {"machine", GroupBy::machine},
    {"user", GroupBy::user},
    {"repository", GroupBy::repository},
    {"session", GroupBy::session},
    {"hour", GroupBy::hour},
    {"day", GroupBy::day},
    {"week", GroupBy::week},
    {"month", GroupBy::month},
};

}  // namespace

GroupBy group_by_from_string(const std::string& text) {
    for (const auto& [name, group] : kGroupNames)
        if (text == name) return group;
    throw std::invalid_argument("unknown grouping '" + text + "'");
}

namespace {

// Session rows get their ledger figure. The ledger holds a row per session a
// tool reported on (thousands, not millions): one read of it costs less than
// a lookup per row of a page would on PostgreSQL.
void attach_ledger(const Store& store, Report& report) {
    std::unordered_map<std::string, std::int64_t> ledger;
    for (auto& c : store.session_costs()) ledger.emplace(c.source + '\0' + c.session_id, c.cost_micros);
    if (ledger.empty()) return;
    for (auto& row : report.rows) {
        if (!row.session) continue;
        auto it = ledger.find(row.session->source + '\0' + row.key);
        if (it != ledger.end()) row.session->ledger_cost_micros = it->second;
    }
}

}  // namespace

namespace detail {

Report run_query_via(const Store& store, const Query& q, bool with_models, ReadPath path) {
    const date::time_zone* tz = zone(q.tz);
    const auto source = store.backend().reader(q, tz);
    UsageReader& reader = *source;
    auto read_events = [&](Aggregator& agg) {
        reader.events(q.range.since_ms, q.range.until_ms, [&](const UsageRow& r) { agg.add(r); });
    };
    // Failed calls are in no rollup: always read themselves (few, through their own index).
    auto read_failures = [&](Aggregator& agg) {
        reader.failures(q.range.since_ms, q.range.until_ms, [&](const UsageRow& r) { agg.add(r); });
    };
    if (path == ReadPath::planned) {
        Aggregator agg(q, with_models);
        bool exact = true;
        for (const auto& part : plan_reads(q.range, q.group, tz, reader.rollup_hours())) {
            auto add = [&](const UsageRow& r) { agg.add(r); };
            if (part.table == ReadFrom::events)
                reader.events(part.from_ms, part.to_ms, add);
            else if (!(exact = reader.rollup(part.table == ReadFrom::days ? RollupLevel::day : RollupLevel::hour,
                                             part.from_ms, part.to_ms, add)))
                break;
        }
        if (exact) {
            read_failures(agg);
            return agg.report();
        }
        // A rollup sum left 64 bits (impossible numbers in the store): the
        // events saturate and flag it one by one, as they always did.
    }
    Aggregator agg(q, with_models);
    read_events(agg);
    read_failures(agg);
    return agg.report();
}

}  // namespace detail

Report run_query(const Store& store, const Query& q, bool with_models) {
    Report report = detail::run_query_via(store, q, with_models, detail::ReadPath::planned);
    if (q.group == GroupBy::session && !report.rows.empty()) attach_ledger(store, report);
    return report;
}

}  // namespace usage
