// The PostgreSQL backend outside the write and read paths: connecting and
// migrating, meta, machines, re-pricing, cursors and tokens.
#include "store/postgres/pg_backend.hpp"

#include <stdexcept>

#include "store/postgres/pg_array.hpp"
#include "store/postgres/pg_error.hpp"
#include "store/postgres/pg_schema.hpp"
#include "store/postgres/pg_transaction.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/store/store_location.hpp"

namespace usage::pg {
namespace {

// A Store is used by one thread at a time; two connections let a reader's
// snapshot and a short statement (a meta lookup) overlap.
constexpr std::size_t kConnections = 2;

constexpr const char* kCursorColumns = "device, inode, size, mtime_ns, read_offset, head_hash, tail_hash, state";

FileCursor cursor_from_row(const Result& r, int row, int first) {
    auto u64 = [&](int i) { return static_cast<std::uint64_t>(r.int64(row, first + i)); };
    FileCursor c;
    c.stat = {u64(0), u64(1), u64(2), r.int64(row, first + 3)};
    c.offset = u64(4);
    c.head_hash = u64(5);
    c.tail_hash = u64(6);
    c.state = r.string(row, first + 7);
    return c;
}

constexpr const char* kTokenColumns = "SELECT id, prefix, user_name, role, created_ms, revoked_ms FROM tokens";

TokenRecord token_from_row(const Result& r, int row) {
    TokenRecord t;
    t.id = r.int64(row, 0);
    t.prefix = r.string(row, 1);
    t.user = r.string(row, 2);
    t.role = r.string(row, 3);
    t.created_ms = r.int64(row, 4);
    t.revoked_ms = r.optional_int64(row, 5);
    return t;
}

}  // namespace

UsageEvent pricing_inputs(const Result& r, int row, int first) {
    UsageEvent e;
    e.model = r.string(row, first);
    e.tokens = {r.int64(row, first + 1), r.int64(row, first + 2), r.int64(row, first + 3),
                r.int64(row, first + 4), r.int64(row, first + 5), r.int64(row, first + 6)};
    e.reported_cost_micros = r.optional_int64(row, first + 7);
    e.aggregate = r.boolean(row, first + 8);
    return e;
}

void CostUpdates::add(std::string_view id, const PricedCost& cost) {
    ids_.add(id);
    costs_.add(cost.micros);
    origins_.add(static_cast<std::int64_t>(cost.origin));
}

void CostUpdates::write(Connection& c, bool bump_revision) const {
    if (empty()) return;
    c.exec(bump_revision ? "UPDATE events e SET cost_micros = u.cost, cost_origin = u.origin, revision = e.revision + 1"
                           " FROM unnest($1::text[], $2::bigint[], $3::smallint[]) AS u(id, cost, origin)"
                           " WHERE e.id = u.id COLLATE \"C\""
                         : "UPDATE events e SET cost_micros = u.cost, cost_origin = u.origin"
                           " FROM unnest($1::text[], $2::bigint[], $3::smallint[]) AS u(id, cost, origin)"
                           " WHERE e.id = u.id COLLATE \"C\"",
           {ids_.text(), costs_.text(), origins_.text()});
}

void upsert_meta(Connection& c, const std::string& key, const std::string& value) {
    c.exec("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
           {key, value});
}

PgBackend::PgBackend(const std::string& uri)
    : pool_(PoolOptions{uri, kConnections}), display_(StoreLocation::parse(uri).display()) {
    auto conn = lease();
    migrate(*conn);
    // The endpoint's own id, as a SQLite store has one.
    conn->exec("INSERT INTO meta (key, value) VALUES ('machine_id', gen_random_uuid()::text) ON CONFLICT DO NOTHING");
}

int PgBackend::schema_version() const {
    auto conn = lease();
    return pg::schema_version(*conn);
}

std::optional<std::string> PgBackend::meta(const std::string& key) const {
    auto conn = lease();
    const Result r = conn->exec("SELECT value FROM meta WHERE key = $1", {key});
    if (r.rows() == 0) return std::nullopt;
    return r.string(0, 0);
}

void PgBackend::set_meta(const std::string& key, const std::string& value) {
    auto conn = lease();
    upsert_meta(*conn, key, value);
}

void PgBackend::record_machine(const std::string& id, const std::string& name) {
    auto conn = lease();
    conn->exec(
        "INSERT INTO machines (id, name, updated_ms) VALUES ($1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_ms = excluded.updated_ms",
        {id, name, unix_now_ms()});
}

void PgBackend::reprice_all(const PriceBook& prices) {
    auto conn = lease();
    run_transaction(*conn, [&](Connection& c) {
        // A cursor keeps the client's memory flat over millions of events.
        c.exec(
            "DECLARE reprice NO SCROLL CURSOR FOR SELECT id, coalesce(nullif(pricing_model, ''), model), input, "
            "output, reasoning, cache_read, cache_write_5m, cache_write_1h, reported_cost_micros, aggregate, "
            "cost_micros, cost_origin FROM events");
        for (;;) {
            const Result r = c.exec("FETCH 20000 FROM reprice");
            if (r.rows() == 0) break;
            CostUpdates changed;
            for (int i = 0; i < r.rows(); ++i) {
                const PricedCost cost = prices.evaluate(pricing_inputs(r, i, 1));
                if (r.optional_int64(i, 10) == cost.micros && r.int64(i, 11) == static_cast<int>(cost.origin)) continue;
                changed.add(r.text(i, 0), cost);
            }
            changed.write(c, true);
        }
        c.exec("CLOSE reprice");
        upsert_meta(c, "price_fingerprint", prices.fingerprint());
    });
}

std::optional<FileCursor> PgBackend::cursor(const std::string& source, const std::filesystem::path& path) const {
    auto conn = lease();
    const Result r =
        conn->exec(std::string("SELECT ") + kCursorColumns + " FROM cursors WHERE source = $1 AND path = $2",
                   {source, path.string()});
    if (r.rows() == 0) return std::nullopt;
    return cursor_from_row(r, 0, 0);
}

std::vector<std::pair<std::string, FileCursor>> PgBackend::cursors(const std::string& source) const {
    auto conn = lease();
    const Result r =
        conn->exec(std::string("SELECT path, ") + kCursorColumns + " FROM cursors WHERE source = $1", {source});
    std::vector<std::pair<std::string, FileCursor>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.string(i, 0), cursor_from_row(r, i, 1));
    return out;
}

std::int64_t PgBackend::file_count(const std::string& source) const {
    auto conn = lease();
    return conn->exec("SELECT count(*) FROM cursors WHERE source = $1", {source}).int64(0, 0);
}

void PgBackend::forget_cursors(const std::string& source) {
    auto conn = lease();
    conn->exec("DELETE FROM cursors WHERE source = $1", {source});
}

std::map<std::string, std::int64_t> PgBackend::events_by_source() const {
    auto conn = lease();
    const Result r =
        conn->exec("SELECT source, count(*) FROM events WHERE NOT superseded AND failure = '' GROUP BY source");
    std::map<std::string, std::int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out[r.string(i, 0)] = r.int64(i, 1);
    return out;
}

std::vector<std::pair<std::string, std::int64_t>> PgBackend::unpriced_models() const {
    auto conn = lease();
    const Result r = conn->exec(
        "SELECT model, count(*) FROM events WHERE cost_origin = 0 AND NOT superseded AND failure = '' GROUP BY model "
        "ORDER BY model COLLATE \"C\"");
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.string(i, 0), r.int64(i, 1));
    return out;
}

std::int64_t PgBackend::add_token(const std::string& hash, const std::string& prefix, const std::string& user,
                                  const std::string& role, std::int64_t now_ms) {
    auto conn = lease();
    const Result r = conn->exec(
        "INSERT INTO tokens (hash, prefix, user_name, role, created_ms) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (hash) DO NOTHING RETURNING id",
        {hash, prefix, user, role, now_ms});
    if (r.rows() != 1) throw std::runtime_error(display_ + ": a token with this hash already exists");
    return r.int64(0, 0);
}

std::optional<TokenRecord> PgBackend::find_token(const std::string& hash) const {
    auto conn = lease();
    const Result r = conn->exec(std::string(kTokenColumns) + " WHERE hash = $1", {hash});
    if (r.rows() == 0) return std::nullopt;
    return token_from_row(r, 0);
}

void PgBackend::refuse_export() const {
    throw std::runtime_error(display_ +
                             ": a PostgreSQL store is exported and backed up with PostgreSQL's own tools "
                             "(pg_dump; docs/scaling.md)");
}

std::vector<TokenRecord> PgBackend::list_tokens() const {
    auto conn = lease();
    const Result r = conn->exec(std::string(kTokenColumns) + " ORDER BY id");
    std::vector<TokenRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(token_from_row(r, i));
    return out;
}

bool PgBackend::revoke_token(std::int64_t id, std::int64_t now_ms) {
    auto conn = lease();
    if (conn->exec("SELECT 1 FROM tokens WHERE id = $1", {id}).rows() == 0) return false;
    conn->exec("UPDATE tokens SET revoked_ms = $2 WHERE id = $1 AND revoked_ms IS NULL", {id, now_ms});
    return true;
}

}  // namespace usage::pg
