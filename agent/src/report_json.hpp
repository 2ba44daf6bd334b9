// The JSON shape of a report, shared by `report --json` and the read API of
// `serve` (one function, so the two can never drift apart). The shape is the
// stable contract documented in docs/cli.md.
#pragma once

#include <nlohmann/json.hpp>

#include "usage/analytics/analytics.hpp"
#include "usage/pricing/pricing.hpp"

namespace agent {

/// `{"range":{...},"totals":T,"rows":[{"key":..,...T}]}`; `full` adds a
/// per-model `by_model` array to every row. With `prices`, every model's
/// object (the rows of a by-model report, the `by_model` entries) adds its
/// cost split into input and output (usage/analytics/cost_split.hpp).
nlohmann::json report_json(const usage::Report& report, bool full, const usage::PriceBook* prices = nullptr);
/// A cost as JSON: a decimal number of dollars with micro-dollar precision.
nlohmann::json usd_json(std::int64_t micros);
/// One T object: token classes, costs, sessions and per-session averages.
nlohmann::json totals_json(const usage::Totals& t);

}  // namespace agent
