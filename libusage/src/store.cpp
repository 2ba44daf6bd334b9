// The SQLite store: events upserted by id with per-field maximum, cursors
// committed in the same transaction as the events read up to them.
#include "usage/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <random>
#include <stdexcept>

#include "store_schema.hpp"
#include "usage/environment.hpp"

namespace usage {
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

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

constexpr const char* kUpsertSql = R"sql(
INSERT INTO events (id, source, session_id, parent_session_id, model, provider, project_name,
  project_path, git_branch, surface, machine_id, user, ts_ms, input, output, reasoning, cache_read,
  cache_write_5m, cache_write_1h, reported_cost_micros, cost_micros, cost_origin, dedup_group, replay)
VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT (id) DO UPDATE SET
  session_id = CASE WHEN session_id = '' THEN excluded.session_id ELSE session_id END,
  parent_session_id = CASE WHEN parent_session_id = '' THEN excluded.parent_session_id ELSE parent_session_id END,
  model = CASE WHEN model = '' THEN excluded.model ELSE model END,
  provider = CASE WHEN provider = '' THEN excluded.provider ELSE provider END,
  project_name = CASE WHEN project_name = '' THEN excluded.project_name ELSE project_name END,
  project_path = CASE WHEN project_path = '' THEN excluded.project_path ELSE project_path END,
  git_branch = CASE WHEN git_branch = '' THEN excluded.git_branch ELSE git_branch END,
  surface = CASE WHEN surface = '' THEN excluded.surface ELSE surface END,
  ts_ms = min(ts_ms, excluded.ts_ms),
  input = max(input, excluded.input),
  output = max(output, excluded.output),
  reasoning = max(reasoning, excluded.reasoning),
  cache_read = max(cache_read, excluded.cache_read),
  cache_write_5m = max(cache_write_5m, excluded.cache_write_5m),
  cache_write_1h = max(cache_write_1h, excluded.cache_write_1h),
  reported_cost_micros = max(coalesce(reported_cost_micros, excluded.reported_cost_micros),
                             coalesce(excluded.reported_cost_micros, reported_cost_micros)),
  replay = replay AND excluded.replay,
  revision = revision + 1
WHERE excluded.input > input OR excluded.output > output OR excluded.reasoning > reasoning
   OR excluded.cache_read > cache_read OR excluded.cache_write_5m > cache_write_5m
   OR excluded.cache_write_1h > cache_write_1h OR (replay AND NOT excluded.replay)
   OR coalesce(excluded.reported_cost_micros, 0) > coalesce(reported_cost_micros, 0)
   OR (model = '' AND excluded.model <> '') OR (session_id = '' AND excluded.session_id <> '')
RETURNING revision, model, input, output, reasoning, cache_read, cache_write_5m, cache_write_1h,
  reported_cost_micros
)sql";

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::int64_t>& v) {
    if (v)
        st.bind(index, static_cast<std::int64_t>(*v));
    else
        st.bind(index);
}

// Read the merged row RETURNING gave us back into an event for re-pricing.
UsageEvent merged_from_row(const SQLite::Statement& st) {
    UsageEvent e;
    e.model = st.getColumn(1).getString();
    e.tokens.input = st.getColumn(2).getInt64();
    e.tokens.output = st.getColumn(3).getInt64();
    e.tokens.reasoning = st.getColumn(4).getInt64();
    e.tokens.cache_read = st.getColumn(5).getInt64();
    e.tokens.cache_write_5m = st.getColumn(6).getInt64();
    e.tokens.cache_write_1h = st.getColumn(7).getInt64();
    if (!st.getColumn(8).isNull()) e.reported_cost_micros = st.getColumn(8).getInt64();
    return e;
}

}  // namespace

std::filesystem::path default_state_dir(const Environment& env) {
    if (auto dir = env.get("USAGE_AGENT_STATE_DIR")) return *dir;
    return env.xdg_home("STATE") / "usage-agent";
}

Store::Store(const std::filesystem::path& dir) : path_(dir / "usage.db") {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir.string() + ": cannot create state dir: " + ec.message());
    try {
        db_ = std::make_unique<SQLite::Database>(path_.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db_->setBusyTimeout(10000);
        db_->exec("PRAGMA journal_mode=WAL");
        // WAL + NORMAL: a commit is durable against a process crash (what we
        // need: cursors and events are atomic together) without an fsync per file.
        db_->exec("PRAGMA synchronous=NORMAL");
        db_->exec("PRAGMA temp_store=MEMORY");
        db_->exec("PRAGMA cache_size=-16000");
        migrate();
        if (!meta("machine_id")) set_meta("machine_id", new_uuid_v4());
        has_replays_ = db_->execAndGet("SELECT EXISTS (SELECT 1 FROM events WHERE replay = 1)").getInt() != 0;
    } catch (const SQLite::Exception& e) {
        throw std::runtime_error(path_.string() + ": " + e.what());
    }
}

Store::~Store() = default;

void Store::migrate() {
    int version = db_->execAndGet("PRAGMA user_version").getInt();
    const auto& migrations = detail::store_migrations();
    if (version > static_cast<int>(migrations.size()))
        throw std::runtime_error("store schema version " + std::to_string(version) +
                                 " is newer than this usage-agent understands (" +
                                 std::to_string(migrations.size()) + "); upgrade usage-agent");
    for (auto i = static_cast<std::size_t>(version); i < migrations.size(); ++i) {
        SQLite::Transaction tx(*db_);
        db_->exec(std::string(migrations[i]));
        db_->exec("PRAGMA user_version = " + std::to_string(i + 1));
        tx.commit();
    }
}

int Store::schema_version() const { return db_->execAndGet("PRAGMA user_version").getInt(); }

std::string Store::machine_id() const { return meta("machine_id").value_or(""); }

std::optional<std::string> Store::meta(const std::string& key) const {
    SQLite::Statement st(*db_, "SELECT value FROM meta WHERE key = ?");
    st.bind(1, key);
    if (st.executeStep()) return st.getColumn(0).getString();
    return std::nullopt;
}

void Store::set_meta(const std::string& key, const std::string& value) {
    SQLite::Statement st(*db_, "INSERT INTO meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    st.bind(1, key);
    st.bind(2, value);
    st.exec();
}

void Store::record_machine(const std::string& id, const std::string& name) {
    SQLite::Statement st(*db_, "INSERT INTO machines (id, name, updated_ms) VALUES (?, ?, ?) "
                               "ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_ms = excluded.updated_ms");
    st.bind(1, id);
    st.bind(2, name);
    st.bind(3, static_cast<std::int64_t>(now_ms()));
    st.exec();
}

void Store::use_prices(const PriceBook& prices) {
    prices_ = &prices;
    if (meta("price_fingerprint") != prices.fingerprint()) reprice_all();
}

void Store::reprice_all() {
    SQLite::Transaction tx(*db_);
    SQLite::Statement read(*db_, "SELECT id, model, input, output, reasoning, cache_read, cache_write_5m, "
                                 "cache_write_1h, reported_cost_micros, cost_micros, cost_origin FROM events");
    SQLite::Statement write(*db_, "UPDATE events SET cost_micros = ?, cost_origin = ?, revision = revision + 1 "
                                  "WHERE id = ?");
    while (read.executeStep()) {
        UsageEvent e;
        e.model = read.getColumn(1).getString();
        e.tokens = {read.getColumn(2).getInt64(), read.getColumn(3).getInt64(), read.getColumn(4).getInt64(),
                    read.getColumn(5).getInt64(), read.getColumn(6).getInt64(), read.getColumn(7).getInt64()};
        if (!read.getColumn(8).isNull()) e.reported_cost_micros = read.getColumn(8).getInt64();
        prices_->price(e);
        std::optional<std::int64_t> old_cost;
        if (!read.getColumn(9).isNull()) old_cost = read.getColumn(9).getInt64();
        if (old_cost == e.cost_micros && read.getColumn(10).getString() == to_string(e.cost_origin)) continue;
        bind_optional(write, 1, e.cost_micros);
        write.bind(2, std::string(to_string(e.cost_origin)));
        write.bind(3, read.getColumn(0).getString());
        write.exec();
        write.reset();
    }
    set_meta("price_fingerprint", prices_->fingerprint());
    tx.commit();
}

std::optional<FileCursor> Store::cursor(const std::string& source, const std::filesystem::path& path) const {
    SQLite::Statement st(*db_, "SELECT device, inode, size, mtime_ns, offset, head_hash, tail_hash, state "
                               "FROM cursors WHERE source = ? AND path = ?");
    st.bind(1, source);
    st.bind(2, path.string());
    if (!st.executeStep()) return std::nullopt;
    FileCursor c;
    c.stat = {static_cast<std::uint64_t>(st.getColumn(0).getInt64()),
              static_cast<std::uint64_t>(st.getColumn(1).getInt64()),
              static_cast<std::uint64_t>(st.getColumn(2).getInt64()), st.getColumn(3).getInt64()};
    c.offset = static_cast<std::uint64_t>(st.getColumn(4).getInt64());
    c.head_hash = static_cast<std::uint64_t>(st.getColumn(5).getInt64());
    c.tail_hash = static_cast<std::uint64_t>(st.getColumn(6).getInt64());
    c.state = st.getColumn(7).getString();
    return c;
}

std::vector<std::pair<std::string, FileCursor>> Store::cursors(const std::string& source) const {
    std::vector<std::pair<std::string, FileCursor>> out;
    SQLite::Statement st(*db_, "SELECT path, device, inode, size, mtime_ns, offset, head_hash, tail_hash, state "
                               "FROM cursors WHERE source = ?");
    st.bind(1, source);
    while (st.executeStep()) {
        FileCursor c;
        c.stat = {static_cast<std::uint64_t>(st.getColumn(1).getInt64()),
                  static_cast<std::uint64_t>(st.getColumn(2).getInt64()),
                  static_cast<std::uint64_t>(st.getColumn(3).getInt64()), st.getColumn(4).getInt64()};
        c.offset = static_cast<std::uint64_t>(st.getColumn(5).getInt64());
        c.head_hash = static_cast<std::uint64_t>(st.getColumn(6).getInt64());
        c.tail_hash = static_cast<std::uint64_t>(st.getColumn(7).getInt64());
        c.state = st.getColumn(8).getString();
        out.emplace_back(st.getColumn(0).getString(), std::move(c));
    }
    return out;
}

void Store::forget_cursors(const std::string& source) {
    SQLite::Statement st(*db_, "DELETE FROM cursors WHERE source = ?");
    st.bind(1, source);
    st.exec();
}

ApplyStats Store::apply(const std::vector<FileBatch>& batches) {
    if (!prices_) throw std::logic_error("Store::apply called before use_prices");
    ApplyStats stats;
    SQLite::Transaction tx(*db_);
    SQLite::Statement upsert(*db_, kUpsertSql);
    SQLite::Statement reprice(*db_, "UPDATE events SET cost_micros = ?, cost_origin = ? WHERE id = ?");
    SQLite::Statement replay_check(*db_, "SELECT EXISTS (SELECT 1 FROM events WHERE dedup_group = ? AND id <> ? "
                                         "AND replay = 0)");
    SQLite::Statement supersede_self(*db_, "UPDATE events SET superseded = 1, revision = revision + 1 "
                                           "WHERE id = ? AND superseded = 0");
    SQLite::Statement supersede_replays(*db_, "UPDATE events SET superseded = 1, revision = revision + 1 "
                                              "WHERE dedup_group = ? AND id <> ? AND replay = 1 AND superseded = 0");
    SQLite::Statement save_cursor(*db_, R"sql(
INSERT INTO cursors (source, path, device, inode, size, mtime_ns, offset, head_hash, tail_hash, state)
VALUES (?,?,?,?,?,?,?,?,?,?)
ON CONFLICT (source, path) DO UPDATE SET device = excluded.device, inode = excluded.inode,
  size = excluded.size, mtime_ns = excluded.mtime_ns, offset = excluded.offset,
  head_hash = excluded.head_hash, tail_hash = excluded.tail_hash, state = excluded.state)sql");

    for (const auto& batch : batches) {
        for (const auto& original : batch.events) {
            UsageEvent e = original;
            prices_->price(e);
            int i = 1;
            for (const std::string* s : {&e.id, &e.source, &e.session_id, &e.parent_session_id, &e.model,
                                         &e.provider, &e.project_name, &e.project_path, &e.git_branch,
                                         &e.surface, &e.machine_id, &e.user})
                upsert.bind(i++, *s);
            upsert.bind(i++, static_cast<std::int64_t>(e.timestamp_ms));
            for (auto v : {e.tokens.input, e.tokens.output, e.tokens.reasoning, e.tokens.cache_read,
                           e.tokens.cache_write_5m, e.tokens.cache_write_1h})
                upsert.bind(i++, static_cast<std::int64_t>(v));
            bind_optional(upsert, i++, e.reported_cost_micros);
            bind_optional(upsert, i++, e.cost_micros);
            upsert.bind(i++, std::string(to_string(e.cost_origin)));
            upsert.bind(i++, e.dedup_group);
            upsert.bind(i++, e.replay ? 1 : 0);
            if (!upsert.executeStep()) {
                ++stats.unchanged;
            } else if (upsert.getColumn(0).getInt64() == 1) {
                ++stats.inserted;
            } else {
                // Grown copy of a known call: price the merged counts.
                ++stats.updated;
                UsageEvent merged = merged_from_row(upsert);
                prices_->price(merged);
                bind_optional(reprice, 1, merged.cost_micros);
                reprice.bind(2, std::string(to_string(merged.cost_origin)));
                reprice.bind(3, e.id);
                reprice.exec();
                reprice.reset();
            }
            upsert.reset();

            if (!e.dedup_group.empty() && e.replay) {
                replay_check.bind(1, e.dedup_group);
                replay_check.bind(2, e.id);
                replay_check.executeStep();
                bool superseded = replay_check.getColumn(0).getInt() != 0;
                replay_check.reset();
                if (superseded) {
                    supersede_self.bind(1, e.id);
                    supersede_self.exec();
                    supersede_self.reset();
                }
                has_replays_ = true;
            } else if (!e.dedup_group.empty() && has_replays_) {
                supersede_replays.bind(1, e.dedup_group);
                supersede_replays.bind(2, e.id);
                supersede_replays.exec();
                supersede_replays.reset();
            }
        }
        if (batch.cursor) {
            const FileCursor& c = *batch.cursor;
            save_cursor.bind(1, batch.source);
            save_cursor.bind(2, batch.path.string());
            save_cursor.bind(3, static_cast<std::int64_t>(c.stat.device));
            save_cursor.bind(4, static_cast<std::int64_t>(c.stat.inode));
            save_cursor.bind(5, static_cast<std::int64_t>(c.stat.size));
            save_cursor.bind(6, static_cast<std::int64_t>(c.stat.mtime_ns));
            save_cursor.bind(7, static_cast<std::int64_t>(c.offset));
            save_cursor.bind(8, static_cast<std::int64_t>(c.head_hash));
            save_cursor.bind(9, static_cast<std::int64_t>(c.tail_hash));
            save_cursor.bind(10, c.state);
            save_cursor.exec();
            save_cursor.reset();
        }
    }
    tx.commit();
    return stats;
}

std::vector<std::pair<std::string, std::int64_t>> Store::unpriced_models() const {
    std::vector<std::pair<std::string, std::int64_t>> out;
    SQLite::Statement st(*db_, "SELECT model, COUNT(*) FROM events WHERE cost_origin = 'unpriced' "
                               "AND superseded = 0 GROUP BY model ORDER BY model");
    while (st.executeStep()) out.emplace_back(st.getColumn(0).getString(), st.getColumn(1).getInt64());
    return out;
}

}  // namespace usage
