// The incremental scan: discovery, cursor checks, parallel parsing, and
// batched transactional writes (events + cursors together).
#include "usage/scan/scan_engine.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <utility>

#include "usage/scan/git_repository.hpp"
#include "usage/scan/source.hpp"
#include "usage/scan/utf8_repair.hpp"
#include "usage/store/limit_store.hpp"

namespace usage {
namespace {

struct WorkItem {
    SourceFile file;
    FileStat stat;
    ScanStart start;
    bool windows_side = false;
    std::size_t source = 0;  ///< index of the plugin in this scan

    [[nodiscard]] std::uint64_t unread_bytes() const { return stat.size - std::min(stat.size, start.offset); }
};

struct Done {
    std::size_t source = 0;
    double seconds = 0;  ///< spent reading the file
    FileBatch batch;
    std::vector<LimitSnapshot> limits;
    std::uint64_t bytes = 0;
    std::uint64_t malformed = 0;
    std::uint64_t invalid = 0;
    std::string warning;  ///< about the invalid events, when there are some
    std::string error;
};

// Files are written into one open transaction as they are parsed and
// committed every couple of seconds: each commit rewrites every index page it
// touched (random message ids touch most of them), so small transactions
// cost many times the work, while a periodic commit keeps the progress of a
// long first scan durable.
constexpr auto kCommitEvery = std::chrono::seconds(2);

// Parsed files on their way to the writer. The queue is bounded: parsers
// that get ahead of the writer wait instead of competing with it for a core
// (with two cores, a writer sharing one with a parser gets only part of it,
// and the first scan takes as long as the writer's share allows) and instead
// of holding finished files' events in memory.
class ResultQueue {
public:
    explicit ResultQueue(std::size_t capacity) : capacity_(capacity) {}
    /// False when the scan was abandoned (stop requested) while waiting.
    bool push(Done d, std::stop_token stop) {
        {
            std::unique_lock lock(mu_);
            if (!not_full_.wait(lock, stop, [&] { return items_.size() < capacity_; })) return false;
            items_.push_back(std::move(d));
        }
        not_empty_.notify_one();
        return true;
    }
    /// Hand back a written file's events: a parser frees them (take_spent),
    /// so the writer spends no time on a few heap strings per event.
    void give_back(std::vector<UsageEvent> events) {
        std::lock_guard lock(spent_mu_);
        spent_.push_back(std::move(events));
    }
    std::vector<std::vector<UsageEvent>> take_spent() {
        std::lock_guard lock(spent_mu_);
        return std::exchange(spent_, {});
    }
    Done pop() {
        std::unique_lock lock(mu_);
        not_empty_.wait(lock, [&] { return !items_.empty(); });
        Done d = std::move(items_.front());
        items_.pop_front();
        lock.unlock();
        not_full_.notify_one();
        return d;
    }

private:
    std::size_t capacity_;
    std::mutex mu_;
    std::condition_variable not_empty_;
    std::condition_variable_any not_full_;
    std::deque<Done> items_;
    std::mutex spent_mu_;
    std::vector<std::vector<UsageEvent>> spent_;
};

// The files to parse, largest first, taken from both ends: one parser
// starts on the largest files, which keeps the parsers busy until the end,
// and the other on the smallest, whose events reach the writer within
// milliseconds instead of after the largest file is done.
class WorkList {
public:
    explicit WorkList(std::size_t size) : hi_(size) {}
    std::optional<std::size_t> take(bool from_back) {
        std::lock_guard lock(mu_);
        if (lo_ == hi_) return std::nullopt;
        return from_back ? --hi_ : lo_++;
    }

private:
    std::mutex mu_;
    std::size_t lo_ = 0, hi_;
};

// The single store writer is the bottleneck of a first scan. Parsers run a
// few nice levels below it, so the writer gets a core whenever it has work
// and the parsers use the rest. (Linux applies setpriority to the calling
// thread's id.) Their name, shown by top and perf, tells them from the writer.
void lower_thread_priority() {
#if defined(__linux__)
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), ::getpriority(PRIO_PROCESS, 0) + 5);
    ::pthread_setname_np(::pthread_self(), "usage-parse");
#endif
}

bool running_under_wsl() {
    std::ifstream in("/proc/version");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text.find("microsoft") != std::string::npos;
}

// Each Windows user's home below the drive, skipping the built-in profiles.
std::vector<std::filesystem::path> windows_homes(const WslConfig& wsl) {
    std::vector<std::filesystem::path> homes;
    if (wsl.mode == WslConfig::Mode::off) return homes;
    if (wsl.mode == WslConfig::Mode::automatic && !running_under_wsl()) return homes;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(wsl.windows_drive / "Users", ec)) {
        const std::string name = entry.path().filename().string();
        if (name == "Public" || name == "Default" || name == "Default User" || name == "All Users") continue;
        if (entry.is_directory(ec)) homes.push_back(entry.path());
    }
    std::sort(homes.begin(), homes.end());
    return homes;
}

std::vector<std::filesystem::path> existing_dirs(std::vector<std::filesystem::path> paths) {
    std::erase_if(paths, [](const std::filesystem::path& p) {
        std::error_code ec;
        return !std::filesystem::is_directory(p, ec);
    });
    return paths;
}

// A source's files as found on disk, with their stat (a file that vanished
// between listing and stat is dropped).
struct Discovered {
    std::vector<SourceFile> files, win_files;
    double seconds = 0;
    std::exception_ptr error;
};

std::vector<SourceFile> with_stats(std::vector<SourceFile> files) {
    std::erase_if(files, [](SourceFile& f) {
        if (f.stat.inode != 0) return false;
        auto st = stat_file(f.path);
        if (st) f.stat = *st;
        return !st;
    });
    return files;
}

SourceRoots roots_of(const SourcePlugin& plugin, const Config& config, const Environment& env,
                     const std::vector<std::filesystem::path>& win_homes) {
    SourceRoots roots;
    const SourceConfig source = config.source(std::string(plugin.name()));
    DiscoveryContext ctx{&env, source.paths, plugin_option_values(plugin, source)};
    roots.local = plugin.roots(ctx);
    for (const auto& home : win_homes)
        for (auto& r : plugin.windows_roots(home)) roots.windows.push_back(std::move(r));
    return roots;
}

Discovered discover(const SourcePlugin& plugin, const Config& config, const Environment& env,
                    const std::vector<std::filesystem::path>& win_homes) {
    const auto t0 = std::chrono::steady_clock::now();
    Discovered d;
    auto roots = roots_of(plugin, config, env, win_homes);
    d.files = with_stats(plugin.discover(existing_dirs(std::move(roots.local))));
    if (!roots.windows.empty()) d.win_files = with_stats(plugin.discover(existing_dirs(std::move(roots.windows))));
    d.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return d;
}

// Discovery is directory walks and stat calls, most of a sync that finds
// nothing new: the sources are walked in parallel.
std::vector<Discovered> discover_all(const std::vector<const SourcePlugin*>& plugins, const Config& config,
                                     const Environment& env, const std::vector<std::filesystem::path>& win_homes,
                                     unsigned n_threads) {
    std::vector<Discovered> found(plugins.size());
    WorkList todo(plugins.size());
    auto walker = [&] {
        for (auto i = todo.take(false); i; i = todo.take(false)) {
            try {
                found[*i] = discover(*plugins[*i], config, env, win_homes);
            } catch (...) {
                found[*i].error = std::current_exception();
            }
        }
    };
    {
        std::vector<std::jthread> threads;
        for (unsigned t = 1; t < std::min<std::size_t>(n_threads, plugins.size()); ++t) threads.emplace_back(walker);
        walker();
    }
    for (auto& d : found)
        if (d.error) std::rethrow_exception(d.error);
    return found;
}

// What the engine adds to every event a plugin read. Names can come from the
// file system (a Claude project folder) or a database, not only from JSON a
// parser validated: one byte that is not UTF-8 would make every JSON output
// and the push of that event fail, so such bytes become '?' here, once.
void stamp_event(UsageEvent& e, const std::string& machine_id, const std::string& user) {
    e.machine_id = machine_id;
    e.user = user;
    for (std::string* s : {&e.id, &e.source, &e.session_id, &e.parent_session_id, &e.model, &e.pricing_model,
                           &e.provider, &e.project_name, &e.project_path, &e.git_branch, &e.repository, &e.surface,
                           &e.machine_id, &e.user, &e.dedup_group})
        detail::repair_utf8(s->data(), s->size());
}

// The repository of every event the tool did not name one for, from its
// project folder. A file's events nearly always share one folder: the last
// one is remembered, so a scan costs a string comparison per event.
void fill_repositories(std::vector<UsageEvent>& events, GitRepositories& repositories) {
    const std::string* last_path = nullptr;
    const std::string* last_url = nullptr;
    for (UsageEvent& e : events) {
        if (!e.repository.empty() || e.project_path.empty()) continue;
        if (!last_path || *last_path != e.project_path) {
            last_path = &e.project_path;
            last_url = &repositories.remote_url(e.project_path);
        }
        e.repository = *last_url;
    }
}

// What to read of each file given its saved cursor. A full rescan reads
// every file again from the start with no state, except a cumulative one,
// which is read again from its saved state: that state is the memory of
// what was already counted, and without it the totals would count twice.
void plan_files(std::vector<SourceFile> files, bool windows_side, std::size_t source, bool full_rescan,
                const std::unordered_map<std::string, FileCursor>& saved, std::vector<WorkItem>& work) {
    for (auto& f : files) {
        const FileStat st = f.stat;
        std::optional<FileCursor> cursor;
        if (auto it = saved.find(f.path.string()); it != saved.end()) cursor = it->second;
        const bool snapshot = f.mode == ReadMode::snapshot;
        const bool cumulative = f.mode == ReadMode::cumulative;
        CursorVerdict verdict = CursorVerdict::restart;
        if (cumulative)
            verdict = cursor && full_rescan ? CursorVerdict::append : judge_cumulative(st, cursor);
        else if (!full_rescan)
            verdict = snapshot ? judge_snapshot(st, cursor) : judge_cursor(f.path, st, cursor);
        switch (verdict) {
            case CursorVerdict::unchanged: break;
            case CursorVerdict::append:
                work.push_back({std::move(f),
                                st,
                                {snapshot || cumulative ? 0 : cursor->offset, cursor->state},
                                windows_side,
                                source});
                break;
            case CursorVerdict::restart: work.push_back({std::move(f), st, {}, windows_side, source}); break;
        }
    }
}

}  // namespace

SourceRoots source_roots(const SourcePlugin& plugin, const Config& config, const Environment& env) {
    return roots_of(plugin, config, env, windows_homes(config.wsl));
}

std::vector<SourceScanStats> scan_sources(Store& store, const Config& config, const Environment& env,
                                          const ScanOptions& options) {
    const std::string machine_id = store.machine_id();
    store.record_machine(machine_id, config.machine_name);
    // The Windows side of a WSL machine is a machine of its own in reports.
    const std::string windows_machine_id = machine_id + "/windows";
    const auto win_homes = windows_homes(config.wsl);
    if (!win_homes.empty()) store.record_machine(windows_machine_id, config.machine_name + " (windows)");

    // Every source's files go into one pool: a source of one big file
    // (Cursor's database) or of many small ones (OpenCode's legacy tree)
    // then overlaps with the others instead of leaving a core idle.
    std::vector<const SourcePlugin*> plugins;
    std::vector<SourceScanStats> all;
    for (const auto& plugin : source_plugins()) {
        const std::string name(plugin->name());
        if (!options.only_sources.empty() &&
            std::find(options.only_sources.begin(), options.only_sources.end(), name) == options.only_sources.end())
            continue;
        if (!config.source(name).enabled) continue;
        // --full-rescan does not delete the cursors (plan_files ignores them,
        // and keeps a cumulative file's state): a rescan that is interrupted
        // leaves the files it did not reach as they were.
        plugins.push_back(plugin.get());
        all.emplace_back().source = name;
    }
    const unsigned cores = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    auto discovered = discover_all(plugins, config, env, win_homes, cores);
    std::vector<WorkItem> work;
    for (std::size_t i = 0; i < plugins.size(); ++i) {
        Discovered& d = discovered[i];
        all[i].files_seen = d.files.size() + d.win_files.size();
        all[i].seconds = d.seconds;
        std::unordered_map<std::string, FileCursor> saved;
        for (auto& [path, c] : store.cursors(all[i].source)) saved.emplace(path, std::move(c));
        plan_files(std::move(d.files), false, i, options.full_rescan, saved, work);
        plan_files(std::move(d.win_files), true, i, options.full_rescan, saved, work);
    }
    // Largest first (see WorkList).
    std::stable_sort(work.begin(), work.end(),
                     [](const WorkItem& a, const WorkItem& b) { return a.unread_bytes() > b.unread_bytes(); });
    std::uint64_t total_bytes = 0;
    for (const auto& w : work) total_bytes += w.unread_bytes();

    const auto n_threads = static_cast<unsigned>(std::min<std::size_t>(cores, work.size()));
    ResultQueue results(2 * std::size_t{std::max(n_threads, 1u)});
    WorkList todo(work.size());
    // The threads are declared after `results`: leaving this scope (an
    // exception in the writer included) stops and joins them first.
    auto worker = [&](std::stop_token stop, bool from_back) {
        lower_thread_priority();
        for (auto i = todo.take(from_back); i && !stop.stop_requested(); i = todo.take(from_back)) {
            results.take_spent();  // freed here, off the writer's thread
            const WorkItem& w = work[*i];
            const auto t0 = std::chrono::steady_clock::now();
            Done d;
            d.source = w.source;
            d.batch.source = all[w.source].source;
            d.batch.path = w.file.path;
            try {
                ScanResult r = plugins[w.source]->scan(w.file, w.start);
                for (auto& e : r.events) stamp_event(e, w.windows_side ? windows_machine_id : machine_id, config.user);
                d.bytes = r.bytes_read;
                d.malformed = r.malformed_lines;
                if (r.invalid.count > 0) {
                    r.invalid.resolve_line(w.file.path);  // here, off the writer's thread
                    d.invalid = r.invalid.count;
                    d.warning = r.invalid.warning(w.file.path);
                }
                d.batch.events = std::move(r.events);
                d.limits = std::move(r.limits);
                d.batch.cursor = make_cursor(w.file.path, w.stat, r.offset, std::move(r.state));
            } catch (const std::exception& e) {
                d.error = e.what();
            }
            d.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (!results.push(std::move(d), stop)) return;
        }
    };
    std::vector<std::jthread> threads;
    for (unsigned t = 0; t < n_threads; ++t) threads.emplace_back(worker, t % 2 == 1);

    StoreWriter writer(store);
    GitRepositories repositories;
    std::vector<LimitSnapshot> limits;  // the latest reading per window over every file
    auto last_commit = std::chrono::steady_clock::now();
    std::uint64_t done_bytes = 0;
    for (std::size_t i = 0; i < work.size(); ++i) {
        Done d = results.pop();
        SourceScanStats& stats = all[d.source];
        stats.seconds += d.seconds;
        if (!d.error.empty()) {
            stats.errors.push_back(d.error);
            continue;
        }
        ++stats.files_read;
        stats.bytes_read += d.bytes;
        stats.malformed_lines += d.malformed;
        stats.events_invalid += d.invalid;
        if (!d.warning.empty()) stats.warnings.push_back(std::move(d.warning));
        stats.events_read += d.batch.events.size();
        done_bytes += d.bytes;
        fill_repositories(d.batch.events, repositories);
        for (auto& l : d.limits) keep_latest(limits, std::move(l));
        const ApplyStats before = writer.stats();
        writer.add(d.batch);
        const ApplyStats& after = writer.stats();
        // A file may supersede a row another file of its source added in this
        // scan: the sums stay exact per source, never below zero.
        stats.events_new += after.inserted - before.inserted;
        stats.events_new -= after.inserted_superseded - before.inserted_superseded;
        stats.events_new -= after.inserted_failed - before.inserted_failed;
        stats.failures_new += after.inserted_failed - before.inserted_failed;
        stats.events_updated += after.events_updated() - before.events_updated();
        stats.events_superseded += after.superseded - before.superseded;
        results.give_back(std::move(d.batch.events));
        if (auto now = std::chrono::steady_clock::now(); now - last_commit >= kCommitEvery) {
            writer.commit();
            last_commit = now;
        }
        if (options.on_progress) options.on_progress(done_bytes, total_bytes);
    }
    // A few rows at most: in the scan's last transaction (SQLite: the same
    // connection), so they are durable with the cursors that read them.
    for (const auto& l : limits) record_limit(store, l);
    writer.commit();
    return all;
}

std::vector<std::string> importer_names() {
    std::vector<std::string> names;
    for (const auto& plugin : source_plugins())
        for (auto& n : plugin->importers()) names.push_back(std::move(n));
    return names;
}

ImportStats import_exported_file(Store& store, const Config& config, const std::string& importer,
                                 const std::filesystem::path& file) {
    const SourcePlugin* owner = nullptr;
    for (const auto& plugin : source_plugins()) {
        auto names = plugin->importers();
        if (std::find(names.begin(), names.end(), importer) != names.end()) owner = plugin.get();
    }
    if (!owner) {
        std::string known;
        for (const auto& n : importer_names()) known += (known.empty() ? "" : ", ") + n;
        throw std::runtime_error("unknown import format '" + importer + "' (known: " + known + ")");
    }
    ScanResult r = owner->import_file(importer, file);
    const std::string machine_id = store.machine_id();
    store.record_machine(machine_id, config.machine_name);
    for (auto& e : r.events) stamp_event(e, machine_id, config.user);
    ImportStats stats;
    stats.source = std::string(owner->name());
    stats.events_read = r.events.size();
    stats.malformed_lines = r.malformed_lines;
    stats.events_invalid = r.invalid.count;
    if (r.invalid.count > 0) {
        r.invalid.resolve_line(file);
        stats.warning = r.invalid.warning(file);
    }
    StoreWriter writer(store);
    writer.add(FileBatch{stats.source, file, std::move(r.events), std::nullopt});
    if (r.covers) writer.add_coverage(stats.source, r.covers->from_ms, r.covers->to_ms);
    writer.commit();
    stats.events_new = writer.stats().events_new();
    stats.events_updated = writer.stats().events_updated();
    stats.events_unchanged = writer.stats().unchanged;
    stats.events_superseded = writer.stats().superseded;
    return stats;
}

}  // namespace usage
