// Rendering of an analytics Report: 80-column tables and CSV (JSON: report_json.hpp).
#pragma once

#include <string>

#include "report_json.hpp"
#include "usage/analytics.hpp"

namespace agent {

struct RenderOptions {
    std::string view;   ///< summary, daily, ... (titles and column choice)
    bool full = false;  ///< per-model and per-token-type breakdown
    bool colour = false;
};

std::string report_csv(const usage::Report& report);
std::string report_table(const usage::Report& report, const RenderOptions& options);

}  // namespace agent
