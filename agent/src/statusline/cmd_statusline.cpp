// `usage-agent statusline`: Claude Code runs it after every message with the
// session's facts as JSON on stdin and shows the one line it prints. The
// session cost Claude Code reports goes into the store's ledger (the
// authoritative figure for that session), and the line shows it beside
// today's estimated cost from the rollups. Whatever goes wrong, it prints a
// line and exits 0: a failing statusline command blanks Claude's footer.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"
#include "statusline/statusline_budgets.hpp"
#include "statusline/statusline_input.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/config/config.hpp"
#include "usage/config/environment.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/store/limit_store.hpp"
#include "usage/store/store.hpp"
#include "usage/store/store_failure.hpp"

namespace agent {
namespace {

constexpr const char* kSource = "claude-code";
// Claude Code sends a few KB; anything far larger is not its input.
constexpr std::size_t kMaxInput = 4 << 20;
// How long recording waits for a scan's write lock: the line must come at
// once, and the figure is sent again with the next message anyway.
constexpr int kLockWaitMs = 10;

std::string read_stdin() {
    if (::isatty(STDIN_FILENO)) return {};  // run by hand: nothing is coming
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > kMaxInput) break;
    }
    return text;
}

std::int64_t todays_cost(const usage::Store& store, std::int64_t now_ms) {
    usage::Query q;
    q.tz = usage::local_time_zone();
    q.range = usage::resolve_range("today", "", "", q.tz, now_ms);
    return usage::run_query(store, q).totals.cost_micros;
}

// A window's reading is written again, unchanged, at most this often: often
// enough that the report does not call it stale, rarely enough that most
// calls write nothing.
constexpr std::int64_t kLimitRefreshMs = 5 * 60 * 1000;

struct LineParts {
    std::string model;
    std::string limit;  ///< "5h 42%": the first window's use
    std::optional<std::int64_t> session_micros;
    std::optional<std::int64_t> today_micros;
    std::vector<std::string> budgets;  ///< "claude-daily 64%"
};

std::string limit_text(const StatuslineLimit& l) {
    std::string text = l.window;
    text += ' ';
    text += std::to_string(std::llround(l.used_percent));
    text += '%';
    return text;
}

std::string compose(const LineParts& p) {
    std::string line;
    // Appended piece by piece: "text" + string trips GCC 12's -Wrestrict at -O3.
    const auto add = [&](const char* label, const std::string& value) {
        if (!line.empty()) line += " | ";
        line += label;
        line += value;
    };
    if (!p.model.empty()) add("", fit_end(p.model, 40));
    if (!p.limit.empty()) add("", p.limit);
    if (p.session_micros) add("session ", dollars(*p.session_micros));
    if (p.today_micros) add("today ~", dollars(*p.today_micros));
    for (const auto& b : p.budgets) add("", b);
    return line.empty() ? std::string("usage-agent") : line;
}

// The plan windows Claude Code passed, as the store's readings, written only
// when one changed (or its reading is getting old): one small upsert at most
// per window, nothing on most calls.
void record_limits(usage::Store& store, const StatuslineInput& in, std::int64_t now) {
    if (in.limits.empty()) return;
    const auto stored = usage::stored_limits(store);
    for (const auto& l : in.limits) {
        usage::LimitSnapshot s{kSource, l.window, l.window_minutes, l.used_percent, l.resets_at_ms,
                               "",      now,      in.session_id};
        const bool same = std::any_of(stored.begin(), stored.end(), [&](const usage::LimitSnapshot& have) {
            return have.source == s.source && have.window == s.window && have.used_percent == s.used_percent &&
                   have.resets_at_ms == s.resets_at_ms && have.window_minutes == s.window_minutes &&
                   now - have.observed_ms < kLimitRefreshMs;
        });
        if (!same) usage::record_limit(store, s);
    }
}

// The store part: record the figure, read back what the line shows. Fills in
// what it could get; a busy or broken store only leaves parts out.
void fill_from_store(const GlobalOptions& globals, const StatuslineInput& in, LineParts& parts) {
    const auto env = usage::Environment::from_process();
    const std::filesystem::path dir =
        globals.state_dir.empty() ? usage::default_state_dir(env) : std::filesystem::path(globals.state_dir);
    usage::Store store(dir);
    store.set_lock_wait_ms(kLockWaitMs);
    store.skip_checkpoint_on_close();
    const std::int64_t now = usage::unix_now_ms();
    if (!in.session_id.empty()) {
        try {
            if (in.cost_micros)
                store.record_session_cost({kSource, in.session_id, *in.cost_micros, in.model_id, in.version, now});
            else if (auto ledger = store.session_cost(kSource, in.session_id))
                parts.session_micros = ledger->cost_micros;
            record_limits(store, in, now);
        } catch (...) {
            // Busy (a sync or `run` is writing): recorded with the next message.
            const auto failure = usage::store_failure(std::current_exception());
            if (!failure || !failure->busy) throw;
        }
    }
    parts.today_micros = todays_cost(store, now);
    // The config only for its budgets: a broken file must not blank the line.
    try {
        const auto config = usage::load_config(
            globals.config_path.empty() ? usage::default_config_path(env) : std::filesystem::path(globals.config_path),
            env);
        parts.budgets = budget_parts(store, config.budgets, in, now);
    } catch (const usage::ConfigError& e) {
        std::cerr << "usage-agent statusline: " << e.what() << "\n";
    }
}

}  // namespace

void StatuslineCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand(
        "statusline", "Claude Code's statusline: record the session's cost, print model, session and today's cost");
    cmd->require_subcommand(0, 1);
    cmd->footer(
        "Reads the JSON Claude Code passes on stdin and prints one line, e.g.\n"
        "  Opus 4.1 | 5h 42% | session $1.23 | today ~$4.56 | claude-daily 64%\n"
        "5h 42% is the plan's 5-hour window use Claude Code passes (Claude.ai plans); its windows are kept\n"
        "in the store for `report limits`.\n"
        "The session's cost is Claude Code's own figure, kept in the store's ledger (reports prefer it);\n"
        "today's (~) is estimated from the stored events; then each budget (docs/budgets.md) whose filter\n"
        "matches the session, with the share of its limit spent this period. Always exits 0.\n"
        "Examples:\n"
        "  usage-agent statusline install --dry-run   show the change to Claude Code's settings.json\n"
        "  usage-agent statusline install             set it as Claude Code's statusLine");
    install =
        cmd->add_subcommand("install", "Set `usage-agent statusline` as Claude Code's statusLine (settings.json)");
    install->add_flag("--dry-run", dry_run, "Print what would change; write nothing");
    install->add_flag("--force", force, "Replace another statusLine command already set");
}

int StatuslineCommand::run(const GlobalOptions& globals) const {
    if (install->parsed()) return run_install(globals);
    return run_line(globals);
}

int StatuslineCommand::run_line(const GlobalOptions& globals) const {
    LineParts parts;
    StatuslineInput in;
    try {
        in = parse_statusline_input(read_stdin());
    } catch (const std::exception&) {
        std::cout << "usage-agent: no statusline input" << std::endl;
        return 0;
    }
    parts.model = in.model();
    if (!in.limits.empty()) parts.limit = limit_text(in.limits.front());
    parts.session_micros = in.cost_micros;
    try {
        fill_from_store(globals, in, parts);
    } catch (const std::exception& e) {
        std::cerr << "usage-agent statusline: " << e.what() << "\n";
    }
    std::cout << compose(parts) << std::endl;
    return 0;
}

}  // namespace agent
