// The JSON shape of a report, shared by `report --json` and the read API of
// `serve` (one function, so the two can never drift apart). The shape is the
// stable contract documented in docs/cli.md.
#pragma once

#include <nlohmann/json.hpp>

#include "usage/analytics/analytics.hpp"

namespace agent {

/// `{"range":{...},"totals":T,"rows":[{"key":..,...T}]}`; `full` adds a
/// per-model `by_model` array to every row.
nlohmann::json report_json(const usage::Report& report, bool full);
/// One T object: token classes, costs, sessions and per-session averages.
nlohmann::json totals_json(const usage::Totals& t);

}  // namespace agent
