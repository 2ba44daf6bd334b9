// Machine formats of a report (JSON and CSV): exact integers, costs as
// decimal USD with micro-dollar precision.
#include <cstdio>
#include <sstream>

#include "report_render.hpp"
#include "terminal.hpp"
#include "usage/analytics/cost_split.hpp"

namespace agent {

nlohmann::json usd_json(std::int64_t micros) {
    return nlohmann::json::parse(decimal_usd(micros));
}

namespace {

nlohmann::json optional_time(const std::optional<std::int64_t>& ms) {
    return ms ? nlohmann::json(usage::format_utc_ms(*ms)) : nlohmann::json(nullptr);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// input_cost_usd, output_cost_usd and unsplit_cost_usd of a model's object.
void add_cost_split(nlohmann::json& object, const usage::PriceBook* prices, const std::string& model,
                    const usage::Totals& t) {
    if (!prices) return;
    const usage::CostSplit split = usage::split_cost(*prices, model, t);
    object["input_cost_usd"] = usd_json(split.input_micros);
    object["output_cost_usd"] = usd_json(split.output_micros);
    object["unsplit_cost_usd"] = usd_json(split.unsplit_micros);
}

}  // namespace

nlohmann::json totals_json(const usage::Totals& t) {
    return {{"events", t.events},
            {"sessions", t.sessions},
            {"input_tokens", t.input_tokens},
            {"output_tokens", t.output_tokens},
            {"reasoning_tokens", t.reasoning_tokens},
            {"cache_read_tokens", t.cache_read_tokens},
            {"cache_write_tokens", t.cache_write_tokens()},
            {"cache_write_5m_tokens", t.cache_write_5m_tokens},
            {"cache_write_1h_tokens", t.cache_write_1h_tokens},
            {"total_tokens", t.total_tokens()},
            {"cost_usd", usd_json(t.cost_micros)},
            {"reported_cost_usd", usd_json(t.reported_cost_micros)},
            {"estimated_cost_usd", usd_json(t.estimated_cost_micros)},
            {"unpriced_events", t.unpriced_events},
            {"failed_requests", t.failed_requests},
            {"users", t.users},
            {"machines", t.machines},
            {"avg_tokens_per_session", t.avg_tokens_per_session()},
            {"avg_cost_usd_per_session", usd_json(t.avg_cost_micros_per_session())},
            {"avg_session_seconds", static_cast<double>(t.avg_session_duration_ms()) / 1000.0},
            {"overflow", t.overflow}};
}

nlohmann::json report_json(const usage::Report& report, bool full, const usage::PriceBook* prices) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : report.rows) {
        nlohmann::json row = {{"key", r.key}};
        if (report.group == usage::GroupBy::machine) {
            row["name"] = r.name;
            row["label"] = r.label;
        }
        row.update(totals_json(r.totals));
        if (report.group == usage::GroupBy::model) add_cost_split(row, prices, r.key, r.totals);
        if (r.session) {
            const auto& s = *r.session;
            row["project"] = s.project;
            row["machine"] = s.machine;
            row["source"] = s.source;
            row["surface"] = s.surface;
            row["models"] = s.models;
            row["first_activity"] = usage::format_utc_ms(s.first_ms);
            row["last_activity"] = usage::format_utc_ms(s.last_ms);
            // cost_usd stays the events' sum (rows add up to the totals);
            // session_cost_usd is what the session cost, the ledger first.
            row["ledger_cost_usd"] = s.ledger_cost_micros ? nlohmann::json(usd_json(*s.ledger_cost_micros)) : nullptr;
            row["session_cost_usd"] = usd_json(s.cost_micros(r.totals.cost_micros));
            row["session_cost_origin"] = s.ledger_cost_micros ? "ledger" : "events";
        }
        if (full) {
            nlohmann::json models = nlohmann::json::array();
            for (const auto& [model, t] : r.models) {
                nlohmann::json m = {{"key", model}};
                m.update(totals_json(t));
                add_cost_split(m, prices, model, t);
                models.push_back(std::move(m));
            }
            row["by_model"] = std::move(models);
        }
        rows.push_back(std::move(row));
    }
    return {{"range",
             {{"since", optional_time(report.range.since_ms)},
              {"until", optional_time(report.range.until_ms)},
              {"tz", report.tz}}},
            {"totals", totals_json(report.totals)},
            {"rows", rows}};
}

std::string report_csv(const usage::Report& report) {
    static const char* columns[] = {"events",           "sessions",          "input_tokens",       "output_tokens",
                                    "reasoning_tokens", "cache_read_tokens", "cache_write_tokens", "total_tokens",
                                    "cost_usd",         "reported_cost_usd", "estimated_cost_usd", "unpriced_events",
                                    "failed_requests"};
    // Per session, what --json says about its cost beside the events' sum:
    // the ledger's figure and the one the session is shown with. TOTAL stays
    // the sum of the rows, so those cells are empty there.
    const bool sessions = report.group == usage::GroupBy::session;
    std::ostringstream out;
    out << "key";
    for (const char* c : columns) out << "," << c;
    if (sessions) out << ",ledger_cost_usd,session_cost_usd,session_cost_origin";
    out << "\n";
    auto line = [&](const std::string& key, const usage::Totals& t, const usage::SessionInfo* session) {
        nlohmann::json j = totals_json(t);
        out << csv_field(key);
        for (const char* c : columns) out << "," << j[c].dump();
        if (sessions) {
            if (session) {
                out << "," << (session->ledger_cost_micros ? usd_json(*session->ledger_cost_micros).dump() : std::string())
                    << "," << usd_json(session->cost_micros(t.cost_micros)).dump() << ","
                    << (session->ledger_cost_micros ? "ledger" : "events");
            } else {
                out << ",,,";
            }
        }
        out << "\n";
    };
    for (const auto& r : report.rows) line(r.label, r.totals, r.session ? &*r.session : nullptr);
    line("TOTAL", report.totals, nullptr);
    return out.str();
}

}  // namespace agent
