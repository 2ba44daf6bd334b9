// Rendering of an analytics Report: 80-column tables and CSV (JSON: report_json.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "report_json.hpp"
#include "usage/analytics/analytics.hpp"

namespace agent {

struct RenderOptions {
    std::string view;   ///< summary, daily, ... (titles and column choice)
    bool full = false;  ///< per-model and per-token-type breakdown
    bool colour = false;
    /// The range as the user asked for it, for the header: `--range` (empty =
    /// all) or `--since`/`--until` dates exactly as given.
    std::string range_name;
    std::string since_date;
    std::string until_date;
    std::int64_t limit = 0;  ///< `--limit`, named in the "more rows" line
    /// `--failures`: requests, answered, failed and their share per row
    /// instead of tokens and cost.
    bool failures = false;
};

std::string report_csv(const usage::Report& report);
std::string report_table(const usage::Report& report, const RenderOptions& options);

}  // namespace agent
