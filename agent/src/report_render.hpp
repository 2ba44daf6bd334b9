// Rendering of an analytics Report: 80-column tables, JSON and CSV.
// The JSON shape is the stable contract documented in docs/cli.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "usage/analytics.hpp"

namespace agent {

struct RenderOptions {
    std::string view;   ///< summary, daily, ... (titles and column choice)
    bool full = false;  ///< per-model and per-token-type breakdown
    bool colour = false;
};

/// `{"range":{...},"totals":T,"rows":[{"key":..,...T}]}`.
nlohmann::json report_json(const usage::Report& report, bool full);
nlohmann::json totals_json(const usage::Totals& t);
std::string report_csv(const usage::Report& report);
std::string report_table(const usage::Report& report, const RenderOptions& options);

}  // namespace agent
