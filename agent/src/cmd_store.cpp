// `usage-agent store backup|export|import|check`: the local store copied,
// moved and checked (usage/store/store_archive.hpp does the work).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "json_text.hpp"
#include "progress_bar.hpp"
#include "terminal.hpp"
#include "usage/os/durable_replace.hpp"
#include "usage/store/store_archive.hpp"

namespace agent {
namespace {

std::string count(std::uint64_t n) {
    return with_commas(static_cast<std::int64_t>(n));
}

// `--output FILE` is written beside FILE and put in its place when complete
// and on disk, so a failed, interrupted or power-cut export never leaves a
// file that looks whole.
class ExportFile {
public:
    explicit ExportFile(std::string path) : path_(std::move(path)), partial_(path_ + ".partial") {
        out_.open(partial_, std::ios::binary | std::ios::trunc);
        if (!out_) throw std::runtime_error(partial_ + ": cannot write: " + std::strerror(errno));
    }
    ~ExportFile() {
        if (!done_) std::remove(partial_.c_str());
    }
    ExportFile(const ExportFile&) = delete;
    ExportFile& operator=(const ExportFile&) = delete;
    std::ostream& stream() { return out_; }
    void finish() {
        out_.close();
        if (!out_) throw std::runtime_error(partial_ + ": cannot write: " + std::strerror(errno));
        usage::replace_durably(partial_, path_);
        done_ = true;
    }

private:
    std::string path_;
    std::string partial_;
    std::ofstream out_;
    bool done_ = false;
};

int run_check(const std::filesystem::path& file, bool json) {
    const usage::StoreCheck c = usage::check_store_file(file);
    if (json) {
        std::cout << json_text(nlohmann::json{{"file", c.file.string()},
                                              {"ok", c.ok()},
                                              {"schema_version", c.schema_version},
                                              {"current_schema_version", c.current_version},
                                              {"rows", c.rows},
                                              {"events", c.events},
                                              {"problems", c.problems},
                                              {"notes", c.notes}})
                  << "\n";
        return c.ok() ? 0 : 1;
    }
    if (c.ok()) {
        std::cout << "ok: " << c.file.string() << " (schema " << c.schema_version << ", " << with_commas(c.events)
                  << " events in " << with_commas(c.rows) << " rows): SQLite's integrity check passes";
        if (c.schema_version == c.current_version) std::cout << ", the rollups match the events";
        std::cout << "\n";
        for (const auto& n : c.notes) std::cout << "note: " << n << "\n";
        return 0;
    }
    std::cout << "FAILED: " << c.file.string() << "\n";
    for (const auto& p : c.problems) std::cout << "  " << p << "\n";
    std::cout << "A damaged store can be rebuilt from the transcripts: move it aside and run "
                 "`usage-agent sync` (history of deleted transcripts is only in a backup).\n";
    return 1;
}

}  // namespace

void StoreCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("store", "Back up, export, import or check the local store");
    cmd->require_subcommand(1);
    cmd->footer(
        "The local store is usage.db in the state dir. A team endpoint on PostgreSQL is backed up\n"
        "with PostgreSQL's own tools (docs/scaling.md).\n"
        "Examples:\n"
        "  usage-agent store backup ~/usage-backup.db        a consistent copy, safe while `run` writes\n"
        "  usage-agent store export --output usage.jsonl     every row as JSON Lines\n"
        "  usage-agent store import usage.jsonl              merge an export in (twice is harmless)\n"
        "  usage-agent store check                           integrity, schema and rollups");

    backup = cmd->add_subcommand("backup", "Copy the store to FILE (SQLite's online backup: safe while `run` writes)");
    backup->add_option("file", file, "Where to write the copy (one self-contained SQLite file)")
        ->required()
        ->check(non_empty());
    backup->add_flag("--force", force, "Replace FILE if it exists");
    backup->add_flag("--json", json, "Print what was written as JSON");

    export_ = cmd->add_subcommand("export", "Write every stored row (events, superseded copies, failed calls)");
    export_->add_option("--format", format, "Output format")->check(one_of("export format", {"jsonl"}));
    export_->add_option("-o,--output", file, "Write to FILE (replaced whole once complete) instead of stdout")
        ->check(non_empty());
    export_->footer(
        "JSON Lines: a header line (format, version, machines), then one line per row: the sync\n"
        "protocol's event object (docs/sync-protocol.md) plus its user. A summary goes to stderr.");

    import_ = cmd->add_subcommand("import", "Merge an export into the store by event id (importing twice is harmless)");
    import_->add_option("file", file, "A file written by `store export`")->required()->check(existing_file());
    import_->add_flag("--json", json, "Print the import statistics as JSON");
    import_->footer(
        "Rows merge as a scan's copies do (the larger counts win), so nothing is counted twice.\n"
        "Rows of another machine are kept under that machine and are not pushed from this one.\n"
        "Invalid rows are skipped and named by line; the exit status is then 1.");

    check = cmd->add_subcommand("check", "Check the store (or FILE): integrity, schema version, rollups");
    check->add_option("file", file, "A usage.db file to check instead of the store (e.g. a backup)")
        ->check(existing_file());
    check->add_flag("--json", json, "Print the verdict as JSON");
    check->footer("Exit status 0 when the store is sound, 1 with each problem named otherwise.");
}

int StoreCommand::run(AppContext& ctx) const {
    if (check->parsed()) return run_check(file.empty() ? ctx.store_path() : std::filesystem::path(file), json);

    if (backup->parsed()) {
        const std::uint64_t bytes = usage::backup_store_file(ctx.store_path(), file, force);
        if (json) {
            std::cout << json_text(
                             nlohmann::json{{"store", ctx.store_path().string()}, {"file", file}, {"bytes", bytes}})
                      << "\n";
        } else {
            std::cout << "backed up " << ctx.store_path().string() << " to " << file << " (" << human_bytes(bytes)
                      << ")\n";
        }
        return 0;
    }

    if (export_->parsed()) {
        std::optional<ExportFile> out_file;
        if (!file.empty()) out_file.emplace(file);
        std::ostream& out = out_file ? out_file->stream() : std::cout;
        const usage::ExportStats s = usage::export_store(ctx.store(), out);
        if (out_file) out_file->finish();
        std::cerr << "exported " << usage::sync::describe_rows(s.rows, count) << " of " << count(s.machines)
                  << (s.machines == 1 ? " machine" : " machines");
        if (s.session_costs > 0)
            std::cerr << " and " << count(s.session_costs)
                      << (s.session_costs == 1 ? " session cost" : " session costs");
        std::cerr << (file.empty() ? "" : " to " + file) << "\n";
        return 0;
    }

    if (import_->parsed()) {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error(file + ": cannot read: " + std::strerror(errno));
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        ProgressBar bar("importing");
        const usage::StoreImportStats s = usage::import_store(
            ctx.store(), in, file, [&](std::uint64_t bytes) { bar.update(bytes, ec ? bytes : size); });
        bar.finish();
        for (const auto& p : s.problems) std::cerr << "warning: " << file << ": " << p << "\n";
        if (s.invalid > s.problems.size())
            std::cerr << "warning: " << file << ": " << count(s.invalid - s.problems.size()) << " more invalid rows\n";
        const auto& a = s.applied;
        if (json) {
            std::cout << json_text(nlohmann::json{{"file", file},
                                                  {"rows_read", s.rows_read},
                                                  {"rows_invalid", s.invalid},
                                                  {"rows_new", a.inserted},
                                                  {"rows_updated", a.updated},
                                                  {"rows_unchanged", a.unchanged},
                                                  {"events_new", a.events_new()},
                                                  {"machines", s.machines},
                                                  {"session_costs", s.session_costs},
                                                  {"session_costs_changed", s.session_costs_changed},
                                                  {"problems", s.problems}})
                      << "\n";
        } else {
            std::cout << file << ": " << count(s.rows_read) << " rows, " << count(a.inserted) << " new ("
                      << count(a.events_new()) << " events), " << count(a.updated) << " updated, " << count(a.unchanged)
                      << " unchanged";
            if (s.invalid > 0) std::cout << ", " << count(s.invalid) << " invalid (skipped)";
            if (s.session_costs > 0)
                std::cout << "; " << count(s.session_costs)
                          << (s.session_costs == 1 ? " session cost, " : " session costs, ")
                          << count(s.session_costs_changed) << " larger than the store's";
            std::cout << "\n";
        }
        return s.invalid > 0 ? 1 : 0;
    }
    return 2;
}

}  // namespace agent
