// Human tables: fit 80 columns, compact numbers, optional colour.
#include <cstdio>
#include <sstream>

#include "report_render.hpp"
#include "terminal.hpp"

namespace agent {
namespace {

constexpr int kKeyWidth = 20;

std::string fit(const std::string& s, std::size_t width) {
    if (s.size() <= width) return s;
    return s.substr(0, width - 1) + "~";
}

struct Style {
    bool on;
    std::string bold(const std::string& s) const { return on ? "\033[1m" + s + "\033[0m" : s; }
    std::string dim(const std::string& s) const { return on ? "\033[2m" + s + "\033[0m" : s; }
};

std::string cost_cell(const usage::Totals& t) {
    std::string s = dollars(t.cost_micros);
    if (t.unpriced_events > 0) s += "*";
    return s;
}

// KEY(20) EVENTS(7) INPUT(8) OUTPUT(8) CACHE-R(8) CACHE-W(8) TOTAL(8) COST(10) = 80 columns with spaces.
std::string row_line(const std::string& key, const usage::Totals& t) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-*s %6s %7s %7s %7s %7s %7s %10s", kKeyWidth, fit(key, kKeyWidth).c_str(),
                  compact(t.events).c_str(), compact(t.input_tokens).c_str(), compact(t.output_tokens).c_str(),
                  compact(t.cache_read_tokens).c_str(), compact(t.cache_write_tokens()).c_str(),
                  compact(t.total_tokens()).c_str(), cost_cell(t).c_str());
    return buf;
}

std::string header_line(const std::string& key_title) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-*s %6s %7s %7s %7s %7s %7s %10s", kKeyWidth, key_title.c_str(), "EVENTS", "INPUT",
                  "OUTPUT", "CACHE-R", "CACHE-W", "TOTAL", "COST");
    return buf;
}

std::string key_title(const std::string& view) {
    if (view == "daily") return "DAY";
    if (view == "weekly") return "WEEK";
    if (view == "monthly") return "MONTH";
    if (view == "hourly") return "HOUR";
    if (view == "sessions") return "SESSION";
    if (view == "models") return "MODEL";
    if (view == "projects") return "PROJECT";
    if (view == "machines") return "MACHINE";
    if (view == "summary" || view == "sources") return "SOURCE";
    return "KEY";
}

void summary_block(std::ostringstream& out, const usage::Report& r, const Style& st, bool full) {
    const auto& t = r.totals;
    auto line = [&](const char* label, const std::string& value) {
        out << "  " << st.dim(label) << std::string(22 - std::string(label).size(), ' ') << value << "\n";
    };
    line("events", with_commas(t.events));
    line("sessions", with_commas(t.sessions));
    line("input tokens", with_commas(t.input_tokens));
    line("output tokens", with_commas(t.output_tokens));
    if (full) line("  of which reasoning", with_commas(t.reasoning_tokens));
    line("cache read tokens", with_commas(t.cache_read_tokens));
    line("cache write tokens", with_commas(t.cache_write_tokens()));
    if (full) {
        line("  5-minute writes", with_commas(t.cache_write_5m_tokens));
        line("  1-hour writes", with_commas(t.cache_write_1h_tokens));
    }
    line("total tokens", st.bold(with_commas(t.total_tokens())));
    line("cost", st.bold(dollars(t.cost_micros)));
    if (full || t.reported_cost_micros > 0) line("  reported by tools", dollars(t.reported_cost_micros));
    if (full) line("  estimated", dollars(t.estimated_cost_micros));
    if (t.unpriced_events > 0) line("unpriced events", with_commas(t.unpriced_events) + " (cost unknown)");
}

std::string range_text(const usage::Report& r) {
    std::string since = r.range.since_ms ? usage::format_utc_ms(*r.range.since_ms) : "the beginning";
    std::string until = r.range.until_ms ? usage::format_utc_ms(*r.range.until_ms) : "now";
    return since + " .. " + until + " (" + r.tz + ")";
}

}  // namespace

std::string report_table(const usage::Report& r, const RenderOptions& o) {
    Style st{o.colour};
    std::ostringstream out;
    out << st.dim(range_text(r)) << "\n";
    if (o.view == "summary") {
        summary_block(out, r, st, o.full);
        if (!r.rows.empty()) out << "\n";
    }
    if (r.rows.empty() && o.view != "summary") {
        out << "no usage in this range\n";
        return out.str();
    }
    if (!r.rows.empty()) {
        out << st.bold(header_line(key_title(o.view))) << "\n";
        for (const auto& row : r.rows) {
            std::string key = row.key.empty() ? "(none)" : row.key;
            out << row_line(key, row.totals) << "\n";
            if (row.session) {
                const auto& s = *row.session;
                std::string info = "  " + s.source + " " + s.surface + " " + s.project + " @" + s.machine + "  " +
                                   usage::format_utc_ms(s.last_ms).substr(0, 16);
                out << st.dim(fit(info, 80)) << "\n";
            }
            if (o.full)
                for (const auto& [model, t] : row.models) out << st.dim(row_line("  " + model, t)) << "\n";
        }
        if (o.view != "summary") out << st.bold(row_line("TOTAL", r.totals)) << "\n";
    }
    if (r.totals.unpriced_events > 0)
        out << st.dim("* excludes " + with_commas(r.totals.unpriced_events) +
                      " unpriced events (unknown model price; see `usage-agent prices`)")
            << "\n";
    return out.str();
}

}  // namespace agent
