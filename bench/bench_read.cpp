// bench_read — how long each report view takes on a large store, read
// through the rollup (run_query) and by scanning every event.
//
//   bench_read [--events N] [--runs R] [--dir DIR | --store URL] [--no-scan] [--without-rollup] [--view NAME]
//
// Fills DIR/usage.db (a fresh temp dir by default) with N events (default
// 1,000,000) of a synthetic team through StoreWriter, in transactions of
// 200,000 events: ~400 machines (every 25th named `laptop`), 60 users, 30
// projects, 90 days; sessions of 20-300 calls about 40 s apart (an hour or
// two), each in one project with one source and mostly one model. Then times
// each view R times (default 5) after one warm-up and prints the medians as
// JSON. A DIR that holds a store already is read as it is (no fill).
// --store postgresql://... fills and reads a PostgreSQL database instead
// (read as it is when it holds events).
// --no-scan times the rollup path only. --without-rollup drops the rollup's triggers first and only times
// the fill: what maintaining the rollup costs the writer (its first transaction, on an empty store,
// still builds the rollups once before it commits, as every first scan does).
// --view NAME times one view (its name as printed), e.g. to profile it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "analytics/query_paths.hpp"
#include "store/sqlite/sqlite_backend.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/store/store.hpp"
#include "usage/store/store_location.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
    std::size_t events = 1'000'000;
    int runs = 5;
    std::string dir;
    std::string store;
    bool without_rollup = false;
    bool scan = true;
    std::string view;  // empty: every view
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--events")
            o.events = std::stoul(value());
        else if (arg == "--runs")
            o.runs = std::max(1, std::stoi(value()));
        else if (arg == "--dir")
            o.dir = value();
        else if (arg == "--store")
            o.store = value();
        else if (arg == "--without-rollup")
            o.without_rollup = true;
        else if (arg == "--no-scan")
            o.scan = false;
        else if (arg == "--view")
            o.view = value();
        else
            throw std::invalid_argument("unknown option " + arg +
                                        " (bench_read [--events N] [--runs R] [--dir DIR | --store URL] [--no-scan] "
                                        "[--without-rollup] [--view NAME])");
    }
    return o;
}

// splitmix64: the same team on every run and platform.
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
};

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDays = 90;
constexpr std::int64_t kStartMs = 1'740'787'200'000;                          // 2025-03-01T00:00:00Z
constexpr std::int64_t kNowMs = kStartMs + kDays * 24 * kHourMs - 1'234'567;  // on no hour

constexpr int kMachines = 400;
constexpr int kUsers = 60;
constexpr int kProjects = 30;

std::string machine_id(int m) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012d", 0x1000 + m * 7919, m);
    return buf;
}

struct Source {
    const char* name;
    int weight;  // percent of sessions
    std::vector<const char*> models;
};

const std::vector<Source>& sources() {
    static const std::vector<Source> s = {
        {"claude-code", 55, {"claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001"}},
        {"codex-cli", 20, {"gpt-5-codex", "gpt-5"}},
        {"cursor", 12, {"claude-4.5-sonnet", "gpt-5", "auto"}},
        {"gemini-cli", 8, {"gemini-2.5-pro", "gemini-2.5-flash"}},
        {"opencode", 5, {"claude-sonnet-4-5-20250929", "qwen3-coder-local"}},
    };
    return s;
}

double fill(usage::Store& store, std::size_t total) {
    Rng rng{42};
    for (int m = 0; m < kMachines; ++m)
        store.record_machine(machine_id(m), m % 25 == 0 ? "laptop" : "host-" + std::to_string(m));
    const auto started = Clock::now();
    usage::StoreWriter writer(store);
    std::size_t written = 0, since_commit = 0;
    for (int session = 0; written < total; ++session) {
        const int user = static_cast<int>(rng.below(kUsers));
        const int machine = (user * 7 + static_cast<int>(rng.below(7))) % kMachines;  // a few machines per user
        std::int64_t pick = rng.below(100);
        const Source* src = &sources().back();
        for (const auto& s : sources())
            if ((pick -= s.weight) < 0) {
                src = &s;
                break;
            }
        usage::FileBatch batch;
        batch.source = src->name;
        batch.path = "/bench/" + std::to_string(session);
        usage::UsageEvent base;
        base.source = src->name;
        base.session_id = "sess-" + std::to_string(session);
        const int project = static_cast<int>((user + rng.below(4) * 11) % kProjects);
        base.project_name = "project-" + std::to_string(project);
        // Every fifth project is a folder outside any repository.
        if (project % 5 != 0) base.repository = "https://github.com/acme/" + base.project_name + ".git";
        base.user = "user" + std::to_string(user);
        base.machine_id = machine_id(machine);
        base.surface = rng.below(10) == 0 ? "ide" : "cli";
        const char* model =
            src->models[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(src->models.size())))];
        // Working hours, give or take, in UTC.
        std::int64_t ts =
            kStartMs + rng.below(kDays) * 24 * kHourMs + (6 + rng.below(14)) * kHourMs + rng.below(kHourMs);
        const auto calls = static_cast<std::size_t>(20 + rng.below(281));
        for (std::size_t c = 0; c < calls && written < total; ++c, ++written, ++since_commit) {
            usage::UsageEvent e = base;
            e.id = base.source + ":" + base.session_id + ":" + std::to_string(c);
            e.model = rng.below(10) == 0 ? src->models[0] : model;
            ts += 5'000 + rng.below(70'000);
            e.timestamp_ms = std::min(ts, kNowMs - 1);
            e.tokens = {rng.below(4000), rng.below(1500), 0, 20'000 + rng.below(80'000), rng.below(3000), 0};
            batch.events.push_back(std::move(e));
        }
        // Every 23rd session ends in a few failed calls (rate limits,
        // overloads): rows the readers must leave out of every figure but
        // failed_requests. Not drawn from rng, so the events stay as before.
        for (int f = 0; session % 23 == 0 && f <= session % 7; ++f) {
            usage::UsageEvent e = base;
            e.id = base.source + ":" + base.session_id + ":failed-" + std::to_string(f);
            e.model = model;
            e.model_guessed = true;
            e.failure = f % 2 == 0 ? "rate_limit" : "http_529";
            e.timestamp_ms = std::min(ts + (f + 1) * 20'000, kNowMs - 1);
            batch.events.push_back(std::move(e));
        }
        writer.add(batch);
        if (since_commit >= 200'000) {
            writer.commit();
            since_commit = 0;
        }
    }
    writer.commit();
    return std::chrono::duration<double>(Clock::now() - started).count();
}

struct View {
    const char* name;
    usage::GroupBy group;
    const char* range = "all";
    const char* tz = "UTC";
    std::int64_t limit = 0;
};

double cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Timing {
    double wall_ms;
    double cpu_ms;  // steadier than wall time on a busy machine
};

Timing median_ms(const usage::Store& store, const View& v, usage::detail::ReadPath path, int runs, std::int64_t& rows) {
    usage::Query q;
    q.group = v.group;
    q.tz = v.tz;
    q.limit = v.limit;
    q.range = usage::resolve_range(v.range, "", "", v.tz, kNowMs);
    rows = usage::detail::run_query_via(store, q, false, path).row_count;  // warm-up
    std::vector<double> walls, cpus;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        const double c0 = cpu_ms();
        (void)usage::detail::run_query_via(store, q, false, path);
        cpus.push_back(cpu_ms() - c0);
        walls.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(walls.begin(), walls.end());
    std::sort(cpus.begin(), cpus.end());
    return {walls[walls.size() / 2], cpus[cpus.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    fs::path dir =
        o.dir.empty() ? fs::temp_directory_path() / ("bench_read." + std::to_string(::getpid())) : fs::path(o.dir);
    const auto location =
        o.store.empty() ? usage::StoreLocation::parse(dir.string()) : usage::StoreLocation::parse(o.store);
    const bool sqlite = location.kind == usage::StoreLocation::Kind::sqlite;
    usage::PriceBook prices;
    usage::Store store(location);
    const bool filled = !store.events_by_source().empty();
    store.use_prices(prices);
    if (o.without_rollup && !sqlite) throw std::invalid_argument("--without-rollup is for the SQLite store");
    if (o.without_rollup)
        for (const char* t : {"usage_rollup_insert", "usage_rollup_change", "usage_rollup_move"})
            usage::detail::sqlite_database(store).exec(std::string("DROP TRIGGER ") + t);
    const double fill_s = filled ? 0 : fill(store, o.events);
    if (filled) std::fprintf(stderr, "bench_read: reading the store %s as it is\n", store.display().c_str());
    std::printf("{\n  \"store\": \"%s\",\n  \"events\": %zu,", sqlite ? "sqlite" : "postgresql", o.events);
    std::printf("\n  \"fill_seconds\": %.2f,\n  \"fill_events_per_second\": %.0f", fill_s,
                static_cast<double>(o.events) / fill_s);
    if (o.without_rollup) {
        std::printf(",\n  \"rollup\": false\n}\n");
        if (o.dir.empty()) fs::remove_all(dir);
        return 0;
    }
    if (sqlite)
        std::printf(
            ",\n  \"rollup_rows\": %lld,\n  \"db_mb\": %.0f",
            static_cast<long long>(
                usage::detail::sqlite_database(store).execAndGet("SELECT count(*) FROM usage_rollup").getInt64()),
            static_cast<double>(fs::file_size(dir / "usage.db")) / 1e6);
    std::printf(",\n  \"views\": {\n");
    const View views[] = {
        {"summary", usage::GroupBy::none},
        {"timeseries_day", usage::GroupBy::day},
        {"timeseries_hour", usage::GroupBy::hour},
        {"by_source", usage::GroupBy::source},
        {"by_model", usage::GroupBy::model},
        {"by_project", usage::GroupBy::project},
        {"by_machine", usage::GroupBy::machine},
        {"by_user", usage::GroupBy::user},
        {"by_repository", usage::GroupBy::repository},
        {"sessions_page", usage::GroupBy::session, "all", "UTC", 50},
        {"summary_24h", usage::GroupBy::none, "24h"},
        {"timeseries_day_30d_kolkata", usage::GroupBy::day, "30d", "Asia/Kolkata"},
        {"timeseries_hour_7d_kolkata", usage::GroupBy::hour, "7d", "Asia/Kolkata"},
    };
    bool first = true;
    for (const auto& v : views) {
        if (!o.view.empty() && o.view != v.name) continue;
        std::int64_t rows = 0, scan_rows = 0;
        const Timing rolled = median_ms(store, v, usage::detail::ReadPath::planned, o.runs, rows);
        scan_rows = rows;
        const Timing scanned =
            o.scan ? median_ms(store, v, usage::detail::ReadPath::events, o.runs, scan_rows) : Timing{0, 0};
        if (rows != scan_rows) throw std::runtime_error(std::string(v.name) + ": the two paths disagree");
        std::printf(
            "%s    \"%s\": {\"rollup_ms\": %.1f, \"rollup_cpu_ms\": %.1f, \"event_scan_ms\": %.1f, "
            "\"event_scan_cpu_ms\": %.1f, \"rows\": %lld}",
            first ? "" : ",\n", v.name, rolled.wall_ms, rolled.cpu_ms, scanned.wall_ms, scanned.cpu_ms,
            static_cast<long long>(rows));
        first = false;
        std::fflush(stdout);
    }
    std::printf("\n  }\n}\n");
    if (o.dir.empty()) fs::remove_all(dir);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_read: %s\n", e.what());
    return 1;
}
