// Human tables: fit 80 columns, compact numbers, optional colour. Every name
// in a cell comes from a transcript or a config, so it goes through
// terminal_text (escaped, cut between characters, padded by display width).
#include <cstdio>
#include <sstream>

#include "report_render.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"

namespace agent {
namespace {

constexpr std::size_t kKeyWidth = 20;
constexpr std::size_t kLineWidth = 80;

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

// KEY(20) EVENTS(6) INPUT(7) OUTPUT(7) CACHE-R(7) CACHE-W(7) TOTAL(7) COST(12) = 80 columns with spaces.
std::string columns(const std::string& key_cell, const std::string& events, const std::string& input,
                    const std::string& output, const std::string& cache_read, const std::string& cache_write,
                    const std::string& total, const std::string& cost) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " %6s %7s %7s %7s %7s %7s %12s", events.c_str(), input.c_str(), output.c_str(),
                  cache_read.c_str(), cache_write.c_str(), total.c_str(), cost.c_str());
    return pad_right(key_cell, kKeyWidth) + buf;
}

/// `key_cell` is already escaped and fitted to the key column.
std::string row_line(const std::string& key_cell, const usage::Totals& t) {
    return columns(key_cell, compact(t.events), compact(t.input_tokens), compact(t.output_tokens),
                   compact(t.cache_read_tokens), compact(t.cache_write_tokens()), compact(t.total_tokens()),
                   cost_cell(t));
}

// A session's cost: the ledger's figure as it stands (the tool's own,
// authoritative), else the events' sum, marked `~` when part of it is estimated.
std::string session_row_line(const std::string& key_cell, const usage::Totals& t, const usage::SessionInfo& s) {
    // Built by appending: "~" + string trips GCC 12's -Wrestrict at -O3.
    std::string cost;
    if (s.ledger_cost_micros) {
        cost = dollars(*s.ledger_cost_micros);
    } else {
        if (t.estimated_cost_micros > 0) cost = "~";
        cost += cost_cell(t);
    }
    return columns(key_cell, compact(t.events), compact(t.input_tokens), compact(t.output_tokens),
                   compact(t.cache_read_tokens), compact(t.cache_write_tokens()), compact(t.total_tokens()), cost);
}

std::string header_line(const std::string& key_title) {
    return columns(key_title, "EVENTS", "INPUT", "OUTPUT", "CACHE-R", "CACHE-W", "TOTAL", "COST");
}

// The share of failed requests, "0.4%"; "-" without requests.
std::string failed_share(const usage::Totals& t) {
    if (t.requests() == 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%",
                  100.0 * static_cast<double>(t.failed_requests) / static_cast<double>(t.requests()));
    return buf;
}

// --failures: KEY(20) REQUESTS(14) ANSWERED(14) FAILED(14) SHARE(14) = 80 columns with spaces.
std::string failure_columns(const std::string& key_cell, const std::string& requests, const std::string& answered,
                            const std::string& failed, const std::string& share) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " %14s %14s %14s %14s", requests.c_str(), answered.c_str(), failed.c_str(),
                  share.c_str());
    return pad_right(key_cell, kKeyWidth) + buf;
}

std::string failure_line(const std::string& key_cell, const usage::Totals& t) {
    return failure_columns(key_cell, with_commas(t.requests()), with_commas(t.events), with_commas(t.failed_requests),
                           failed_share(t));
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
    if (view == "users") return "USER";
    if (view == "repositories") return "REPOSITORY";
    if (view == "summary" || view == "sources") return "SOURCE";
    return "KEY";
}

// A remote URL as a table shows it: without the scheme, the ssh user and
// ".git" (`https://github.com/acme/api.git` -> `github.com/acme/api`), which
// leaves a 20-column cell room for the part that tells repositories apart.
std::string repository_label(const std::string& url) {
    std::string s = url;
    if (const auto scheme = s.find("://"); scheme != std::string::npos) s.erase(0, scheme + 3);
    if (const auto at = s.find('@'); at != std::string::npos && at < s.find_first_of("/:")) s.erase(0, at + 1);
    if (s.size() > 4 && s.compare(s.size() - 4, 4, ".git") == 0) s.resize(s.size() - 4);
    return s;
}

// Model ids are cut in the middle, with a split that keeps the ids of one
// table apart (`claude-so…5-20250929`); other names keep their start.
std::vector<std::string> key_cells(const std::vector<std::string>& keys, std::size_t width, bool models) {
    std::vector<std::string> raw;
    for (const auto& k : keys) raw.push_back(k.empty() ? "(none)" : k);
    if (models) return fit_distinct(raw, width);
    std::vector<std::string> cells;
    for (const auto& k : raw) cells.push_back(fit_end(k, width));
    return cells;
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
    if (t.failed_requests > 0)
        line("failed requests", with_commas(t.failed_requests) + " (" + failed_share(t) + " of " +
                                    with_commas(t.requests()) + ", not in any figure above)");
}

// The range as the user gave it, in their zone: the dates typed, or the named
// range and the local day (the minute for 24h) it starts at.
std::string range_text(const usage::Report& r, const RenderOptions& o) {
    std::string text;
    if (!o.since_date.empty() || !o.until_date.empty())
        text = (o.since_date.empty() ? "the beginning" : escape_terminal_text(o.since_date)) + " .. " +
               (o.until_date.empty() ? "now" : escape_terminal_text(o.until_date));
    else if (r.range.since_ms)
        text = o.range_name + ": " + usage::format_local_ms(*r.range.since_ms, r.tz, o.range_name == "24h") + " .. now";
    else
        text = "all time";
    return text + " (" + r.tz + ")";
}

// Source, surface, project, machine and last activity (local) of a session
// row; the project gets what the rest leaves of the line.
std::string session_line(const usage::SessionInfo& s, const std::string& tz) {
    const std::string head = "  " + escape_terminal_text(s.source) + " " + escape_terminal_text(s.surface) + " ";
    const std::string tail = " @" + fit_end(s.machine, 16) + "  " + usage::format_local_ms(s.last_ms, tz);
    const std::size_t used = display_width(head) + display_width(tail);
    return head + fit_end(s.project, used < kLineWidth ? kLineWidth - used : 0) + tail;
}

std::string more_rows_line(std::int64_t hidden, std::int64_t limit) {
    return "\u2026 " + with_commas(hidden) + (hidden == 1 ? " more row" : " more rows") + " not shown (--limit " +
           with_commas(limit) + ")";
}

}  // namespace

std::string report_table(const usage::Report& r, const RenderOptions& o) {
    Style st{o.colour};
    std::ostringstream out;
    out << st.dim(range_text(r, o)) << "\n";
    if (o.view == "summary") {
        summary_block(out, r, st, o.full);
        if (!r.rows.empty()) out << "\n";
    }
    if (r.rows.empty() && o.view != "summary") {
        out << "no usage in this range\n";
        return out.str();
    }
    // --failures: requests, answered and failed per row instead of tokens.
    const auto line_of = [&](const std::string& key_cell, const usage::Totals& t) {
        return o.failures ? failure_line(key_cell, t) : row_line(key_cell, t);
    };
    if (!r.rows.empty()) {
        out << st.bold(o.failures ? failure_columns(key_title(o.view), "REQUESTS", "ANSWERED", "FAILED", "FAILED %")
                                  : header_line(key_title(o.view)))
            << "\n";
        std::vector<std::string> keys;
        for (const auto& row : r.rows)
            keys.push_back(o.view == "repositories" ? repository_label(row.label) : row.label);
        // Model ids, machine labels and remote URLs differ at their ends (a
        // date, a short id, the repository's name).
        const auto cells =
            key_cells(keys, kKeyWidth, o.view == "models" || o.view == "machines" || o.view == "repositories");
        for (std::size_t i = 0; i < r.rows.size(); ++i) {
            const auto& row = r.rows[i];
            out << (row.session && !o.failures ? session_row_line(cells[i], row.totals, *row.session)
                                               : line_of(cells[i], row.totals))
                << "\n";
            if (row.session) out << st.dim(session_line(*row.session, r.tz)) << "\n";
            if (!o.full) continue;
            std::vector<std::string> models;
            for (const auto& m : row.models) models.push_back(m.first);
            const auto model_cells = key_cells(models, kKeyWidth - 2, true);
            for (std::size_t m = 0; m < row.models.size(); ++m)
                out << st.dim(line_of("  " + model_cells[m], row.models[m].second)) << "\n";
        }
        const auto hidden = r.row_count - static_cast<std::int64_t>(r.rows.size());
        if (hidden > 0) out << st.dim(more_rows_line(hidden, o.limit)) << "\n";
        if (o.view != "summary") out << st.bold(line_of("TOTAL", r.totals)) << "\n";
    }
    if (r.totals.failed_requests > 0 && !o.failures && o.view != "summary")
        out << st.dim(with_commas(r.totals.failed_requests) + " failed requests (" + failed_share(r.totals) +
                      ") are in no column: --failures shows them per row")
            << "\n";
    if (r.totals.unpriced_events > 0 && !o.failures)
        out << st.dim("* excludes " + with_commas(r.totals.unpriced_events) +
                      " unpriced events (unknown model price; see `usage-agent prices`)")
            << "\n";
    return out.str();
}

}  // namespace agent
