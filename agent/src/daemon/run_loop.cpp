#include "run_loop.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "../alerts/run_budgets.hpp"
#include "../serial_worker.hpp"
#include "daemon/delivery_schedule.hpp"
#include "daemon/run_deliveries.hpp"
#include "folder_watcher.hpp"
#include "metrics/agent_metrics.hpp"
#include "metrics/metrics_listener.hpp"
#include "run_state_file.hpp"
#include "serve/listen_address.hpp"
#include "usage/scan/scan_engine.hpp"
#include "usage/scan/source.hpp"

namespace agent {
namespace {

namespace asio = boost::asio;

// An agent that idles for hours should hold no more than it needs then: after
// each scan or push, SQLite's page cache of that connection and the freed
// heap of the parser threads go back to the system (idle RSS target: 20 MB).
void release_memory(AppContext& context) {
    if (context.store_open()) context.store().release_memory();
    ::malloc_trim(0);
}
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A streaming assistant appends many small writes a second: one scan per
// burst, soon enough that a line reaches the endpoint well within a second.
constexpr milliseconds kDebounce{150};
// Folders that cannot be watched (no inotify, its limit reached) are looked
// at this often instead, unless --poll says otherwise.
constexpr seconds kPollEvery{10};
// SIGTERM: what is in flight gets this long before the process exits anyway.
constexpr milliseconds kStopGrace{1500};
constexpr milliseconds kFirstRetry{2000};
constexpr milliseconds kMaxRetry{300000};

// Lets SIGTERM cut short the wait between a push's retries.
class StopFlag {
public:
    void raise() {
        {
            std::lock_guard lock(mu_);
            raised_ = true;
        }
        cv_.notify_all();
    }
    void sleep(milliseconds d) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, d, [this] { return raised_; });
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool raised_ = false;
};

struct ScanOutcome {
    std::vector<usage::SourceScanStats> stats;
    std::string error;
    double seconds = 0;
};

}  // namespace

struct RunLoop::State {
    GlobalOptions globals;
    const RunLog& log;
    asio::io_context io;
    asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
    asio::steady_timer rescan_timer{io};
    asio::steady_timer poll_timer{io};
    // Each worker uses its own context (and so its own store connection) on
    // its own thread. The loop reads the config, env and paths of the scan
    // context (`ctx`): those never change after construction, and only the
    // worker opens its store.
    std::shared_ptr<AppContext> ctx, scan_ctx;

    struct Source {
        std::string name;
        milliseconds min_interval{0};
        std::unique_ptr<asio::steady_timer> timer;  // debounce, then min_interval
        bool timer_armed = false;
        Clock::time_point last_scan{};
        bool polled = false;  // some of its folders are not watched
    };
    std::vector<Source> sources;
    std::set<std::size_t> pending;  // sources to scan next
    bool scan_running = false;
    bool first_scan_done = false;

    std::unique_ptr<FolderWatcher> watcher;
    std::unique_ptr<metrics::MetricsListener> metrics_listener;  // metrics.listen; set at start only
    bool told_polling = false;
    bool stopping = false;
    StopFlag stop_flag;
    // Declared last: destroyed (joined) first, while everything above lives.
    DeliverySchedule push{
        io,
        log,
        "push",
        [](const usage::Config& c) { return !c.sync.endpoint.empty(); },
        [this](AppContext& c, const DeliverySchedule::Sleep& sleep) { return deliver_push(c, sleep, log); },
        [this](milliseconds d) { stop_flag.sleep(d); },
        {kFirstRetry, kMaxRetry}};
    DeliverySchedule otlp{io,
                          log,
                          "otlp",
                          [](const usage::Config& c) { return !c.exporters.otlp.endpoint.empty(); },
                          deliver_otlp,
                          [this](milliseconds d) { stop_flag.sleep(d); },
                          {kFirstRetry, kMaxRetry}};
    SerialWorker scan_worker;

    const seconds poll_every;
    const bool force_poll;

    State(const GlobalOptions& g, const RunLog& l, const RunOptions& o)
        : globals(g),
          log(l),
          poll_every(o.poll_seconds > 0 ? seconds(o.poll_seconds) : kPollEvery),
          force_poll(o.poll_seconds > 0) {}

    void start();
    void load_sources();
    void watch_roots();
    void arm_rescan();
    void arm_poll();
    void on_change(std::size_t i);
    void mark_dirty(std::size_t i);
    void mark_all_dirty();
    void maybe_scan();
    void start_metrics();
    void scan_done(const std::vector<std::size_t>& which, const ScanOutcome& outcome);
    void request_deliveries();
    void reload();
    void stop(int sig);
    void wait_signal();
};

void RunLoop::State::load_sources() {
    sources.clear();
    pending.clear();
    for (const auto& plugin : usage::source_plugins()) {
        const std::string name(plugin->name());
        const auto sc = ctx->config().source(name);
        if (!sc.enabled) continue;
        Source s;
        s.name = name;
        s.min_interval = seconds(sc.min_interval_seconds.value_or(plugin->default_min_interval_seconds()));
        s.timer = std::make_unique<asio::steady_timer>(io);
        sources.push_back(std::move(s));
    }
}

void RunLoop::State::watch_roots() {
    std::size_t watched_roots = 0;
    bool exhausted = false;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        Source& s = sources[i];
        const auto* plugin = usage::find_source_plugin(s.name);
        const auto roots = usage::source_roots(*plugin, ctx->config(), ctx->env());
        // The Windows side of WSL is a 9p/drvfs mount: inotify sees nothing there.
        s.polled = !roots.windows.empty();
        for (const auto& root : roots.local) {
            if (watcher->watching(root)) {
                ++watched_roots;
                continue;
            }
            switch (watcher->watch_tree(root, i)) {
                case FolderWatcher::Added::watched:
                    ++watched_roots;
                    log.debug("watching " + root.string() + " (" + s.name + ")");
                    break;
                case FolderWatcher::Added::missing: break;  // the safety rescan looks again
                case FolderWatcher::Added::out_of_watches:
                    s.polled = true;
                    exhausted = exhausted || watcher->available();
                    break;
            }
        }
    }
    if (exhausted && !told_polling) {
        told_polling = true;
        const auto n = watcher->watch_count();
        log.warn("the inotify watch limit is reached (" + std::to_string(n) + (n == 1 ? " folder" : " folders") +
                 " watched): the other folders are polled every " + std::to_string(poll_every.count()) +
                 " s; raise it with `sudo sysctl fs.inotify.max_user_watches=524288` (and in /etc/sysctl.d/ to "
                 "keep it)");
    } else if (force_poll && !told_polling) {
        told_polling = true;
        log.info("--poll: every source is scanned every " + std::to_string(poll_every.count()) + " s (no inotify)");
    } else if (!watcher->available() && !told_polling) {
        told_polling = true;
        log.warn("inotify is not available: every source is polled every " + std::to_string(poll_every.count()) + " s");
    }
    log.debug(std::to_string(watched_roots) + " roots and " + std::to_string(watcher->watch_count()) +
              " folders watched");
    arm_poll();
}

void RunLoop::State::start() {
    scan_ctx = std::make_shared<AppContext>(globals);
    // Each destination on its own thread with its own store connection.
    push.use(std::make_shared<AppContext>(globals));
    otlp.use(std::make_shared<AppContext>(globals));
    ctx = scan_ctx;
    load_sources();
    watcher = std::make_unique<FolderWatcher>(
        io, !force_poll, [this](std::size_t i) { on_change(i); },
        [this] {
            log.warn("inotify dropped events (queue overflow): rescanning every source");
            mark_all_dirty();
        });
    log.info("started (pid " + std::to_string(::getpid()) + ", state " + ctx->state_dir().string() + ", config " +
             ctx->config_path().string() + (ctx->config().loaded ? "" : " (absent: defaults)") + ")");
    watch_roots();
    std::string names;
    for (const auto& s : sources) names += (names.empty() ? "" : ", ") + s.name;
    log.info("sources: " + (names.empty() ? "none enabled" : names) + "; " + std::to_string(watcher->watch_count()) +
             " folders watched; safety rescan every " + std::to_string(ctx->config().sync.interval_seconds) + " s");
    const auto& endpoint = ctx->config().sync.endpoint;
    log.info(endpoint.empty() ? "no sync.endpoint: events are only stored locally" : "pushing to " + endpoint);
    start_metrics();
    wait_signal();
    arm_rescan();
    mark_all_dirty();  // the first scan: whatever changed while the agent was not running
}

// A bad address or a port taken stops the agent at start, with one line: a
// scraper pointed at a port the agent silently never opened would only see
// the agent "down".
void RunLoop::State::start_metrics() {
    const std::string& listen = ctx->config().metrics.listen;
    metrics::describe_run();
    if (listen.empty()) return;
    try {
        metrics_listener = std::make_unique<metrics::MetricsListener>(io, metrics::parse_metrics_listen(listen));
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(e.what());
    }
    metrics_listener->start();
    log.info("metrics at http://" + serve::format_endpoint(metrics_listener->local_endpoint()) + "/metrics");
}

void RunLoop::State::wait_signal() {
    signals.async_wait([this](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
            reload();
            wait_signal();
        } else {
            stop(sig);
        }
    });
}

void RunLoop::State::arm_rescan() {
    rescan_timer.expires_after(seconds(ctx->config().sync.interval_seconds));
    rescan_timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        log.debug("safety rescan");
        watch_roots();  // roots created since (a tool installed later)
        mark_all_dirty();
        request_deliveries();
        arm_rescan();
    });
}

void RunLoop::State::arm_poll() {
    const bool any =
        std::any_of(sources.begin(), sources.end(), [](const Source& s) { return s.polled; }) || !watcher->available();
    poll_timer.cancel();
    if (!any) return;
    poll_timer.expires_after(poll_every);
    poll_timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        for (std::size_t i = 0; i < sources.size(); ++i)
            if (sources[i].polled || !watcher->available()) mark_dirty(i);
        arm_poll();
    });
}

void RunLoop::State::on_change(std::size_t i) {
    if (i >= sources.size() || stopping) return;
    Source& s = sources[i];
    if (watcher->exhausted() && !s.polled) watch_roots();  // a new folder could not be watched
    if (s.timer_armed) return;                             // this burst is already coalescing
    s.timer_armed = true;
    s.timer->expires_after(kDebounce);
    s.timer->async_wait([this, i](const boost::system::error_code& ec) {
        if (ec || i >= sources.size()) return;
        sources[i].timer_armed = false;
        mark_dirty(i);
    });
}

void RunLoop::State::mark_dirty(std::size_t i) {
    pending.insert(i);
    maybe_scan();
}

void RunLoop::State::mark_all_dirty() {
    for (std::size_t i = 0; i < sources.size(); ++i) pending.insert(i);
    maybe_scan();
}

void RunLoop::State::maybe_scan() {
    if (scan_running || stopping || pending.empty()) return;
    const auto now = Clock::now();
    std::vector<std::size_t> ready;
    for (auto it = pending.begin(); it != pending.end();) {
        Source& s = sources[*it];
        const auto next = s.last_scan + s.min_interval;
        if (!first_scan_done || s.last_scan == Clock::time_point{} || now >= next) {
            ready.push_back(*it);
            it = pending.erase(it);
            continue;
        }
        // A busy database: scan it once its interval is over, not at every write.
        if (!s.timer_armed) {
            s.timer_armed = true;
            s.timer->expires_at(next);
            const std::size_t i = *it;
            s.timer->async_wait([this, i](const boost::system::error_code& ec) {
                if (ec || i >= sources.size()) return;
                sources[i].timer_armed = false;
                mark_dirty(i);
            });
        }
        it = pending.erase(it);
    }
    if (ready.empty()) return;
    scan_running = true;
    usage::ScanOptions options;
    for (const std::size_t i : ready) options.only_sources.push_back(sources[i].name);
    auto context = scan_ctx;
    scan_worker.post([this, context, options, ready] {
        ScanOutcome outcome;
        const auto started = Clock::now();
        try {
            outcome.stats = usage::scan_sources(context->store(), context->config(), context->env(), options);
            // On the scan's thread and store: the budgets see what it just stored.
            alerts::check_budgets(*context, log);
        } catch (const std::exception& e) {
            outcome.error = e.what();
        }
        outcome.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        release_memory(*context);
        asio::post(io, [this, ready, outcome = std::move(outcome)] { scan_done(ready, outcome); });
    });
}

void RunLoop::State::scan_done(const std::vector<std::size_t>& which, const ScanOutcome& outcome) {
    scan_running = false;
    const auto now = Clock::now();
    for (const std::size_t i : which)
        if (i < sources.size()) sources[i].last_scan = now;
    const bool first = !first_scan_done;
    first_scan_done = true;
    if (!outcome.error.empty()) {
        metrics::record_scan_failure();
        log.error("scan failed: " + outcome.error);
    } else {
        metrics::record_scan(outcome.stats, outcome.seconds);
        const LastScan last = summarize_scan(outcome.stats);
        std::string parts;
        for (const auto& s : outcome.stats) {
            for (const auto& e : s.errors) log.warn(s.source + ": " + e);
            for (const auto& w : s.warnings) log.warn(w);
            if (s.events_new + s.events_updated + s.events_superseded + s.events_invalid + s.failures_new == 0)
                continue;
            parts += (parts.empty() ? "" : ", ") + s.source + " " + std::to_string(s.events_new) + " new, " +
                     std::to_string(s.events_updated) + " updated";
            if (s.events_superseded) parts += ", " + std::to_string(s.events_superseded) + " superseded";
            if (s.failures_new) parts += ", " + std::to_string(s.failures_new) + " failed";
            if (s.events_invalid) parts += ", " + std::to_string(s.events_invalid) + " invalid";
        }
        save_last_scan(ctx->state_dir(), last);
        const std::string files = std::to_string(last.files_read) + (last.files_read == 1 ? " file" : " files");
        if (!parts.empty())
            log.info("scan: " + parts + " (" + files + " read)");
        else
            log.debug("scan: nothing new (" + files + " read)");
        if (!parts.empty() || first) {
            request_deliveries();
        }
    }
    maybe_scan();
}

void RunLoop::State::request_deliveries() {
    push.request();
    otlp.request();
}

void RunLoop::State::reload() {
    std::shared_ptr<AppContext> fresh_scan, fresh_push, fresh_otlp;  // all or none
    try {
        fresh_scan = std::make_shared<AppContext>(globals);
        fresh_push = std::make_shared<AppContext>(globals);
        fresh_otlp = std::make_shared<AppContext>(globals);
    } catch (const std::exception& e) {
        log.error("SIGHUP: the config was not reloaded, the previous one stays in use: " + std::string(e.what()));
        return;
    }
    scan_ctx = fresh_scan;  // jobs already posted keep the context they were given
    ctx = scan_ctx;
    for (auto& s : sources) s.timer->cancel();
    watcher->clear();
    told_polling = false;
    load_sources();
    watch_roots();
    arm_rescan();
    push.use(fresh_push);  // a waiting retry is cancelled: deliver with the new config now
    otlp.use(fresh_otlp);
    log.info("SIGHUP: config reloaded from " + ctx->config_path().string() + "; " +
             std::to_string(watcher->watch_count()) + " folders watched");
    mark_all_dirty();
    request_deliveries();
}

void RunLoop::State::stop(int sig) {
    log.info(std::string("stopping (") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ")");
    stopping = true;
    stop_flag.raise();
    push.stop();
    otlp.stop();
    if (metrics_listener) metrics_listener->stop();
    io.stop();
}

RunLoop::RunLoop(const GlobalOptions& globals, const RunLog& log, const RunOptions& options)
    : s_(std::make_unique<State>(globals, log, options)) {}

RunLoop::~RunLoop() = default;

int RunLoop::run() {
    s_->start();
    s_->io.run();
    // The scan commits files with their cursors in one transaction, and the
    // push advances its mark only when the endpoint has answered: whatever is
    // cut short here is read or sent again at the next start, never lost.
    const auto deadline = Clock::now() + kStopGrace;
    const bool scan_done = s_->scan_worker.finish_within(kStopGrace);
    const auto left = std::max(milliseconds{0}, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    const bool push_done = s_->push.finish_within(left) && s_->otlp.finish_within(left);
    if (!scan_done || !push_done) {
        s_->log.warn(std::string("exiting with a ") + (!scan_done ? "scan" : "push or export") +
                     " still running: it resumes from what was committed at the next start");
        std::fflush(stderr);
        std::_Exit(0);
    }
    s_->log.info("stopped");
    return 0;
}

}  // namespace agent
