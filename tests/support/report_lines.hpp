// A report as lines, every field of it, so two reports that should be equal
// (rollup and event scan, SQLite and PostgreSQL) show where they differ.
#pragma once

#include <string>
#include <vector>

#include "usage/analytics/analytics.hpp"

namespace testing {

inline std::string describe(const usage::Totals& t) {
    std::string s;
    for (std::int64_t v :
         {t.events, t.sessions, t.users, t.machines, t.session_duration_ms, t.input_tokens, t.output_tokens,
          t.reasoning_tokens, t.cache_read_tokens, t.cache_write_5m_tokens, t.cache_write_1h_tokens, t.cost_micros,
          t.reported_cost_micros, t.estimated_cost_micros, t.unpriced_events, t.failed_requests})
        s += std::to_string(v) + ",";
    return s + (t.overflow ? "overflow" : "");
}

inline std::vector<std::string> describe(const usage::Report& r) {
    std::vector<std::string> out{"rows " + std::to_string(r.row_count) + " total " + describe(r.totals)};
    for (const auto& row : r.rows) {
        std::string s = row.key + "|" + row.label + "|" + row.name + "|" + describe(row.totals);
        if (row.session) {
            const auto& i = *row.session;
            s += "|" + i.project + "|" + i.machine + "|" + i.source + "|" + i.surface + "|" +
                 std::to_string(i.first_ms) + "|" + std::to_string(i.last_ms) + "|";
            for (const auto& m : i.models) s += m + ";";
        }
        for (const auto& [model, t] : row.models) s += "\n  " + model + " " + describe(t);
        out.push_back(s);
    }
    return out;
}

}  // namespace testing
