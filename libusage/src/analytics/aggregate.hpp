// The C++ side of run_query: rows (events or rollup rows) into a Report.
#pragma once

#include <memory>

#include "analytics/usage_row.hpp"
#include "usage/analytics/analytics.hpp"

namespace usage::detail {

/// Adds up rows for a query: totals, one accumulator per group key, and with
/// `with_models` one per (key, model). Failure rows (UsageRow::failed) must
/// come after every other row: a session row exists only for a session with
/// an event. Sessions are keyed by (source, session
/// id) with their first and last time, so a session split over several rows
/// (hours, models, the rollup and the events of an edge hour) counts once.
class Aggregator {
public:
    Aggregator(const Query& query, bool with_models);
    ~Aggregator();
    Aggregator(const Aggregator&) = delete;
    Aggregator& operator=(const Aggregator&) = delete;

    void add(const UsageRow& row);
    /// The report: rows sorted, labelled and paged as the query asks.
    Report report();

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace usage::detail
