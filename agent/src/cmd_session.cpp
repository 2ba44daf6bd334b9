// `usage-agent session`: one session in detail, the latest one of the current
// directory or the one `--id` names. It is a row of `report sessions`, so its
// figures are that view's (run_query), read after the same scan as `sync`.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "json_text.hpp"
#include "report_json.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"

namespace agent {
namespace {

// "2h 05m", "14m 03s", "9s": a session lasts seconds to days.
std::string duration_text(std::int64_t ms) {
    const std::int64_t s = ms / 1000;
    char buf[48];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lldh %02lldm", static_cast<long long>(s / 3600),
                      static_cast<long long>(s % 3600 / 60));
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%lldm %02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
    else
        std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    return buf;
}

std::string cost_text(const usage::Totals& t) {
    return dollars(t.cost_micros) + (t.unpriced_events > 0 ? "*" : "");
}

// The directory as the tools record it: their cwd, which the kernel gives
// with symbolic links resolved.
std::filesystem::path current_directory() {
    std::error_code ec;
    auto dir = std::filesystem::canonical(std::filesystem::current_path(), ec);
    if (ec) throw std::runtime_error("cannot read the current directory: " + ec.message());
    return dir;
}

// MODEL(28) MESSAGES(8) INPUT(7) OUTPUT(7) REASON(7) CACHE-R(7) CACHE-W(7) COST(10): 80 columns with spaces.
std::string model_columns(const std::string& cell, const std::string& messages, const std::string& input,
                          const std::string& output, const std::string& reasoning, const std::string& cache_read,
                          const std::string& cache_write, const std::string& cost) {
    char buf[128];
    std::snprintf(buf, sizeof buf, " %8s %7s %7s %7s %7s %7s %10s", messages.c_str(), input.c_str(), output.c_str(),
                  reasoning.c_str(), cache_read.c_str(), cache_write.c_str(), cost.c_str());
    return pad_right(cell, 28) + buf;
}

std::string session_text(const usage::Row& row, const std::string& tz, bool full) {
    const usage::Totals& t = row.totals;
    const usage::SessionInfo& s = *row.session;
    std::string out = "session " + escape_terminal_text(row.key) + "\n";
    auto line = [&out](const char* label, const std::string& value) {
        out += "  " + pad_right(label, 13) + value + "\n";
    };
    std::string models;
    for (const auto& m : s.models) models += (models.empty() ? "" : ", ") + escape_terminal_text(m);
    line("source", escape_terminal_text(s.source) + (s.surface.empty() ? "" : " " + escape_terminal_text(s.surface)));
    line("project", escape_terminal_text(s.project.empty() ? "(none)" : s.project));
    line("models", models);
    line("messages", with_commas(t.events));
    line("input", with_commas(t.input_tokens));
    line("output", with_commas(t.output_tokens));
    line("reasoning", with_commas(t.reasoning_tokens));
    line("cache read", with_commas(t.cache_read_tokens));
    line("cache write", with_commas(t.cache_write_tokens()));
    line("total", with_commas(t.total_tokens()));
    line("cost", cost_text(t));
    if (t.failed_requests > 0) line("failed", with_commas(t.failed_requests) + " requests (in no figure above)");
    line("first", usage::format_local_ms(s.first_ms, tz) + " (" + tz + ")");
    line("last", usage::format_local_ms(s.last_ms, tz));
    line("duration", duration_text(s.last_ms - s.first_ms));
    if (full && !row.models.empty()) {
        out +=
            "\n" + model_columns("MODEL", "MESSAGES", "INPUT", "OUTPUT", "REASON", "CACHE-R", "CACHE-W", "COST") + "\n";
        std::vector<std::string> names;
        for (const auto& m : row.models) names.push_back(m.first);
        const auto cells = fit_distinct(names, 28);
        for (std::size_t i = 0; i < row.models.size(); ++i) {
            const usage::Totals& m = row.models[i].second;
            out += model_columns(cells[i], compact(m.events), compact(m.input_tokens), compact(m.output_tokens),
                                 compact(m.reasoning_tokens), compact(m.cache_read_tokens),
                                 compact(m.cache_write_tokens()), cost_text(m)) +
                   "\n";
        }
    }
    if (t.unpriced_events > 0)
        out += "* excludes " + with_commas(t.unpriced_events) +
               " unpriced events (unknown model price; see `usage-agent prices`)\n";
    return out;
}

}  // namespace

void SessionCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("session", "Show the latest session of the current directory (or --id) in detail");
    cmd->add_option("--id", id, "This session id instead (as `report sessions` lists it)")->check(non_empty());
    cmd->add_flag("--full", full, "Add a per-model breakdown");
    cmd->add_flag("--json", json, "The session as a row of `report sessions --json` (docs/cli.md)");
    cmd->add_option("--tz", tz, "IANA time zone of the first and last time (default: $TZ, else local)")
        ->check(non_empty());
    cmd->add_flag("--no-scan", no_scan, "Do not scan for new transcripts first");
    cmd->footer(
        "The current session is the one with the latest event among those whose project folder has the\n"
        "current directory's name (the project `report projects` lists). Runs the incremental scan first\n"
        "(unless --no-scan). Exits 1 when no session matches.\n"
        "Examples:\n"
        "  usage-agent session                     the session of this folder: tokens, cost, models, time\n"
        "  usage-agent session --full              ... with one line per model\n"
        "  usage-agent session --id 8c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f --json");
}

int SessionCommand::run(AppContext& ctx) const {
    usage::Query q;
    q.tz = tz.empty() ? usage::local_time_zone() : tz;
    try {
        usage::validate_time_zone(q.tz);
    } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError("--tz", e.what());
    }
    std::filesystem::path dir;
    if (id.empty()) {
        dir = current_directory();
        // Every source names a project by its folder's last component.
        q.filters.project = dir.filename().string();
        q.limit = 1;  // sessions come newest first
    }
    if (!no_scan) scan_and_record(ctx, {});
    q.group = usage::GroupBy::session;

    usage::Report report;
    if (!q.filters.project.empty() || !id.empty()) report = usage::run_query(ctx.store(), q, full);
    const usage::Row* found = nullptr;
    for (const auto& row : report.rows)
        if (id.empty() || row.key == id) {
            found = &row;
            break;
        }
    if (found == nullptr) {
        std::cerr << "usage-agent: "
                  << (id.empty() ? "no session found in " + escape_terminal_text(dir.string()) +
                                       " (run it in a project folder, or pass --id from `usage-agent report sessions`)"
                                 : "no session with id '" + escape_terminal_text(id) + "'")
                  << "\n";
        return 1;
    }
    if (json) {
        usage::Report one;
        one.group = report.group;
        one.rows.push_back(*found);
        nlohmann::json row = report_json(one, full, ctx.store().prices_if_set())["rows"][0];
        row["duration_seconds"] = static_cast<double>(found->session->last_ms - found->session->first_ms) / 1000.0;
        std::cout << json_text(row) << "\n";
        return 0;
    }
    std::cout << session_text(*found, q.tz, full);
    return 0;
}

}  // namespace agent
