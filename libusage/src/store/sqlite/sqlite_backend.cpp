// The SQLite backend outside a scan: opening and migrating usage.db, meta,
// machines, re-pricing, cursors and tokens.
#include "store/sqlite/sqlite_backend.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <random>
#include <stdexcept>

#include "store/sqlite/event_row.hpp"
#include "store/sqlite/rollup_schema.hpp"
#include "store/sqlite/store_schema.hpp"
#include "store/sqlite/usage_reader.hpp"
#include "usage/os/wall_clock.hpp"

namespace usage::detail {
namespace {

std::string new_uuid_v4() {
    std::random_device rd;
    std::uniform_int_distribution<int> byte(0, 255);
    unsigned char b[16];
    for (auto& x : b) x = static_cast<unsigned char>(byte(rd));
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += hex[b[i] >> 4];
        s += hex[b[i] & 15];
    }
    return s;
}

}  // namespace

SqliteBackend::SqliteBackend(const std::filesystem::path& dir) : path_(dir / "usage.db") {
    // SQLite's memory statistics take a global mutex on every allocation;
    // we never read them. Only effective before SQLite initialises, so a
    // host program that already uses SQLite keeps its own settings.
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir.string() + ": cannot create state dir: " + ec.message());
    try {
        db_ = std::make_unique<SQLite::Database>(path_.string(),
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
        db_->setBusyTimeout(10000);
        db_->exec("PRAGMA journal_mode=WAL");
        // WAL + NORMAL: a commit is durable against a process crash (what we
        // need: cursors and events are atomic together) without an fsync per file.
        db_->exec("PRAGMA synchronous=NORMAL");
        db_->exec("PRAGMA temp_store=MEMORY");
        db_->exec("PRAGMA cache_size=-65536");
        // Migration 4 fills the rollup with usage_isum: registered before migrating.
        register_rollup_functions(db_->getHandle());
        migrate();
        if (!meta("machine_id")) set_meta("machine_id", new_uuid_v4());
        // Kept in meta: scanning events for it would cost every warm run.
        has_replays_ = meta("has_replays").has_value();
    } catch (const SQLite::Exception& e) {
        throw std::runtime_error(path_.string() + ": " + e.what());
    }
}

SqliteBackend::~SqliteBackend() = default;

void SqliteBackend::migrate() {
    int version = db_->execAndGet("PRAGMA user_version").getInt();
    const auto& migrations = store_migrations();
    if (version > static_cast<int>(migrations.size()))
        throw std::runtime_error("store schema version " + std::to_string(version) +
                                 " is newer than this usage-agent understands (" + std::to_string(migrations.size()) +
                                 "); upgrade usage-agent");
    for (auto i = static_cast<std::size_t>(version); i < migrations.size(); ++i) {
        SQLite::Transaction tx(*db_);
        db_->exec(std::string(migrations[i]));
        db_->exec("PRAGMA user_version = " + std::to_string(i + 1));
        tx.commit();
    }
}

int SqliteBackend::schema_version() const {
    return db_->execAndGet("PRAGMA user_version").getInt();
}

std::optional<std::string> SqliteBackend::meta(const std::string& key) const {
    SQLite::Statement st(*db_, "SELECT value FROM meta WHERE key = ?");
    st.bind(1, key);
    if (st.executeStep()) return st.getColumn(0).getString();
    return std::nullopt;
}

void SqliteBackend::set_meta(const std::string& key, const std::string& value) {
    SQLite::Statement st(*db_,
                         "INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    st.bind(1, key);
    st.bind(2, value);
    st.exec();
}

void SqliteBackend::record_machine(const std::string& id, const std::string& name) {
    SQLite::Statement st(*db_,
                         "INSERT INTO machines (id, name, updated_ms) VALUES (?, ?, ?) "
                         "ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_ms = excluded.updated_ms");
    st.bind(1, id);
    st.bind(2, name);
    st.bind(3, unix_now_ms());
    st.exec();
}

void SqliteBackend::note_replays() {
    if (has_replays_) return;
    has_replays_ = true;
    set_meta("has_replays", "1");
}

void SqliteBackend::reprice_all(const PriceBook& prices) {
    SQLite::Transaction tx(*db_);
    SQLite::Statement read(
        *db_,
        "SELECT id, coalesce(nullif(pricing_model, ''), model), input, output, reasoning, cache_read, cache_write_5m, "
        "cache_write_1h, reported_cost_micros, aggregate, cost_micros, cost_origin FROM events");
    SQLite::Statement write(*db_,
                            "UPDATE events SET cost_micros = ?, cost_origin = ?, revision = revision + 1 "
                            "WHERE id = ?");
    while (read.executeStep()) {
        const PricedCost cost = prices.evaluate(pricing_inputs_from_row(read, 1));
        std::optional<std::int64_t> old_cost;
        if (!read.getColumn(10).isNull()) old_cost = read.getColumn(10).getInt64();
        if (old_cost == cost.micros && read.getColumn(11).getInt() == static_cast<int>(cost.origin)) continue;
        bind_optional(write, 1, cost.micros);
        write.bind(2, static_cast<int>(cost.origin));
        write.bind(3, read.getColumn(0).getString());
        write.exec();
        write.reset();
    }
    set_meta("price_fingerprint", prices.fingerprint());
    tx.commit();
}

namespace {

constexpr const char* kCursorColumns = "device, inode, size, mtime_ns, offset, head_hash, tail_hash, state";

// The cursor in columns [first, first + 8) of a row selected with kCursorColumns.
FileCursor cursor_from_row(const SQLite::Statement& st, int first) {
    auto u64 = [&](int i) { return static_cast<std::uint64_t>(st.getColumn(first + i).getInt64()); };
    FileCursor c;
    c.stat = {u64(0), u64(1), u64(2), st.getColumn(first + 3).getInt64()};
    c.offset = u64(4);
    c.head_hash = u64(5);
    c.tail_hash = u64(6);
    c.state = st.getColumn(first + 7).getString();
    return c;
}

}  // namespace

std::optional<FileCursor> SqliteBackend::cursor(const std::string& source, const std::filesystem::path& path) const {
    SQLite::Statement st(*db_, std::string("SELECT ") + kCursorColumns + " FROM cursors WHERE source = ? AND path = ?");
    st.bind(1, source);
    st.bind(2, path.string());
    if (!st.executeStep()) return std::nullopt;
    return cursor_from_row(st, 0);
}

std::vector<std::pair<std::string, FileCursor>> SqliteBackend::cursors(const std::string& source) const {
    std::vector<std::pair<std::string, FileCursor>> out;
    SQLite::Statement st(*db_, std::string("SELECT path, ") + kCursorColumns + " FROM cursors WHERE source = ?");
    st.bind(1, source);
    while (st.executeStep()) out.emplace_back(st.getColumn(0).getString(), cursor_from_row(st, 1));
    return out;
}

std::int64_t SqliteBackend::file_count(const std::string& source) const {
    SQLite::Statement st(*db_, "SELECT count(*) FROM cursors WHERE source = ?");
    st.bind(1, source);
    st.executeStep();
    return st.getColumn(0).getInt64();
}

std::map<std::string, std::int64_t> SqliteBackend::events_by_source() const {
    std::map<std::string, std::int64_t> out;
    SQLite::Statement st(*db_,
                         "SELECT source, count(*) FROM events WHERE superseded = 0 AND failure = '' GROUP BY source");
    while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getInt64();
    return out;
}

void SqliteBackend::release_memory() {
    sqlite3_db_release_memory(db_->getHandle());
}

void SqliteBackend::each_row(const std::function<void(const sync::WireEvent&)>& sink) const {
    // One statement is one snapshot: rows a concurrent writer commits while
    // it runs are not half in it.
    SQLite::Statement st(*db_, std::string("SELECT ") + kEventRowColumns +
                                   " FROM events e LEFT JOIN machines m ON m.key = e.machine ORDER BY e.rowid");
    while (st.executeStep()) sink(read_event_row(st, 0));
}

std::vector<MachineDetails> SqliteBackend::machines() const {
    SQLite::Statement st(*db_, "SELECT id, name, os, time_zone, agent_version FROM machines ORDER BY key");
    std::vector<MachineDetails> out;
    while (st.executeStep())
        out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                       st.getColumn(3).getString(), st.getColumn(4).getString()});
    return out;
}

void SqliteBackend::forget_cursors(const std::string& source) {
    SQLite::Statement st(*db_, "DELETE FROM cursors WHERE source = ?");
    st.bind(1, source);
    st.exec();
}

std::vector<std::pair<std::string, std::int64_t>> SqliteBackend::unpriced_models() const {
    std::vector<std::pair<std::string, std::int64_t>> out;
    SQLite::Statement st(*db_,
                         "SELECT model, COUNT(*) FROM events WHERE cost_origin = 0 "
                         "AND superseded = 0 AND failure = '' GROUP BY model ORDER BY model");
    while (st.executeStep()) out.emplace_back(st.getColumn(0).getString(), st.getColumn(1).getInt64());
    return out;
}

std::unique_ptr<UsageReader> SqliteBackend::reader(const Query& query, const date::time_zone* tz) const {
    return std::make_unique<SqliteUsageReader>(*db_, query, tz);
}

SQLite::Database& sqlite_database(const Store& store) {
    auto* sqlite = dynamic_cast<SqliteBackend*>(&store.backend());
    if (!sqlite) throw std::logic_error(store.display() + ": this needs the local SQLite store");
    return sqlite->db();
}

}  // namespace usage::detail
