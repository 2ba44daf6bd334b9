// The subcommands of usage-agent. Each has its options struct, a setup that
// declares them on a CLI11 subcommand, and a run that returns the exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "app_context.hpp"
#include "usage/scan/scan_engine.hpp"
#include "usage/store/store_location.hpp"

namespace agent {

struct SyncCommand {
    bool once = false;
    bool no_push = false;
    bool full_rescan = false;
    bool json = false;
    std::vector<std::string> sources;
    CLI::App* cmd = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
};

/// The incremental scan shared by `sync` and `report`: progress bar on a TTY,
/// warnings (read errors, malformed lines, unpriced models) on stderr.
std::vector<usage::SourceScanStats> run_scan(AppContext& ctx, const usage::ScanOptions& options);

/// The scan of `sync --once --no-push`: run_scan, then the record `status`
/// shows. The glance and `session` run it too, so they are as current as a sync.
std::vector<usage::SourceScanStats> scan_and_record(AppContext& ctx, const usage::ScanOptions& options);

/// `usage-agent` without a command (cmd_glance.cpp): tokens, cost and
/// sessions of today, this ISO week and this calendar month. Its options sit
/// on the top-level app, so they are refused after a command (misplaced()).
struct GlanceCommand {
    bool year = false;
    bool all = false;
    std::string model;
    bool full = false;
    bool json = false;
    bool no_scan = false;
    std::string tz;
    std::vector<CLI::Option*> options;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
    /// The first glance option given, or nullptr: with a command it is one
    /// CLI11 let fall through from the command to the top level.
    [[nodiscard]] const CLI::Option* given() const;
};

/// `session [--id ID] [--full] [--json]` (cmd_session.cpp): the latest
/// session of the current directory, or the one named.
struct SessionCommand {
    std::string id;
    bool full = false;
    bool json = false;
    bool no_scan = false;
    std::string tz;
    CLI::App* cmd = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
};

struct ReportCommand {
    std::string view = "summary";
    bool json = false;
    bool csv = false;
    std::string range;
    std::string since;
    std::string until;
    std::string source;
    std::string model;
    std::string project;
    std::string machine;
    std::string user;
    std::string repository;
    std::string tz;
    bool full = false;
    bool failures = false;
    bool no_scan = false;
    std::int64_t limit = 0;
    CLI::App* cmd = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
    /// `report limits` (the plans' windows, not a grouping of events).
    int run_limits(AppContext& ctx) const;
};

struct PricesCommand {
    std::string model;
    bool json = false;
    std::string update_from;
    std::int64_t timeout_seconds = 120;  ///< of a download
    CLI::App* cmd = nullptr;
    CLI::App* update = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
};

struct ImportCommand {
    std::string format;
    std::string file;  ///< the export, or with `folder` the shared sync folder
    bool json = false;
    CLI::App* cmd = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
    int run_folder(AppContext& ctx) const;  ///< `import folder PATH` (cmd_import_folder.cpp)
};

/// `store backup FILE | export [-o FILE] | import FILE | check [FILE]` (cmd_store.cpp).
struct StoreCommand {
    std::string file;
    std::string format = "jsonl";
    bool force = false;
    bool json = false;
    CLI::App* cmd = nullptr;
    CLI::App* backup = nullptr;
    CLI::App* export_ = nullptr;
    CLI::App* import_ = nullptr;
    CLI::App* check = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
};

struct StatusCommand {
    bool json = false;
    CLI::App* cmd = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
};

/// `serve [--listen ADDR:PORT] [--ingest]` and `serve token add|list|revoke`
/// (agent/src/serve/).
struct ServeCommand {
    std::string listen = "127.0.0.1:8787";
    bool ingest = false;
    bool open = false;     ///< --open: the dashboard in a browser once listening
    std::string tls_cert;  ///< --tls-cert: PEM chain; with tls_key, serve HTTPS
    std::string tls_key;
    bool allow_plain_http = false;  ///< --allow-plain-http: a team endpoint on a network address without TLS
    std::string store_text;         ///< --store: a StoreLocation; empty: serve.store, else the state dir's
    std::string import_dir;         ///< --import-dir: a shared sync folder kept imported into the store
    std::string token_user;
    std::string token_role;
    bool token_json = false;
    std::int64_t token_id = 0;
    CLI::App* cmd = nullptr;
    CLI::App* token = nullptr;
    CLI::App* token_add = nullptr;
    CLI::App* token_list = nullptr;
    CLI::App* token_revoke = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
    int run_token(AppContext& ctx) const;
    /// --store, else the config's serve.store, else the state dir.
    [[nodiscard]] usage::StoreLocation store_location(const AppContext& ctx) const;
};

/// `budget status [--json] [--at TIME] [--no-scan]` (cmd_budget.cpp).
struct BudgetCommand {
    bool json = false;
    bool no_scan = false;
    std::string at;
    CLI::App* cmd = nullptr;
    CLI::App* status = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx) const;
};

/// `run [--log-level LEVEL]`: the background agent (agent/src/daemon/).
struct RunCommand {
    std::string log_level = "info";
    std::int64_t poll_seconds = 0;  ///< --poll N: no inotify, scan every N s
    CLI::App* cmd = nullptr;
    void setup(CLI::App& app);
    int run(AppContext& ctx, const GlobalOptions& globals) const;
};

/// `service install|uninstall|status [--dry-run]` (agent/src/service/).
struct ServiceCommand {
    bool dry_run = false;
    std::string platform;  ///< hidden --platform systemd|launchd; empty: this system's
    CLI::App* cmd = nullptr;
    CLI::App* install = nullptr;
    CLI::App* uninstall = nullptr;
    CLI::App* status = nullptr;
    void setup(CLI::App& app);
    int run(const GlobalOptions& globals) const;
};

/// `statusline` (Claude Code's statusLine command: reads its JSON on stdin,
/// prints one line, always exits 0) and `statusline install [--dry-run]
/// [--force]` (agent/src/statusline/).
struct StatuslineCommand {
    bool dry_run = false;
    bool force = false;
    CLI::App* cmd = nullptr;
    CLI::App* install = nullptr;
    void setup(CLI::App& app);
    int run(const GlobalOptions& globals) const;
    int run_line(const GlobalOptions& globals) const;
    int run_install(const GlobalOptions& globals) const;
};

struct ConfigCommand {
    bool force = false;
    bool markdown = false;
    CLI::App* cmd = nullptr;
    CLI::App* init = nullptr;
    CLI::App* show = nullptr;
    CLI::App* check = nullptr;
    CLI::App* keys = nullptr;
    void setup(CLI::App& app);
    int run(const GlobalOptions& globals) const;
};

}  // namespace agent
