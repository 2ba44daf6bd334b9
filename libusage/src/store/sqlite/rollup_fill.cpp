#include "store/sqlite/rollup_fill.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace usage::detail {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;

// Floored like the SQL's `t - ((t % n) + n) % n`, so negative times agree.
std::int64_t floor_to(std::int64_t t, std::int64_t n) {
    return t - ((t % n) + n) % n;
}

// The text key columns, in the primary key's order around `machine`.
constexpr std::size_t kTexts = 7;  // source, session_id, model, project_name, surface, user, repository

// A rollup row's key with its texts interned: comparing and hashing integers
// instead of nine strings is what makes this faster than the sorter.
struct Key {
    std::int64_t time = 0;  // hour_ms or day_ms
    std::int64_t machine = 0;
    std::array<std::uint32_t, kTexts> text{};
    bool operator==(const Key&) const = default;
};

struct KeyHash {
    std::size_t operator()(const Key& k) const {
        std::uint64_t h = static_cast<std::uint64_t>(k.time) * 0x9E3779B97F4A7C15ULL;
        h ^= static_cast<std::uint64_t>(k.machine) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        for (auto t : k.text) h ^= t + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        return static_cast<std::size_t>(h);
    }
};

// events, the six token classes, cost (priced, reported, estimated), unpriced
// events: the rollup's sum columns in table order.
constexpr std::size_t kSums = 11;

struct Sums {
    std::array<std::int64_t, kSums> v{};
    std::int64_t first_ms = 0, last_ms = 0;
};

class Interner {
public:
    std::uint32_t id(std::string_view s) {
        auto it = ids_.find(s);
        if (it != ids_.end()) return it->second;
        const auto id = static_cast<std::uint32_t>(texts_.size());
        texts_.emplace_back(s);
        ids_.emplace(texts_.back(), id);
        return id;
    }
    [[nodiscard]] const std::string& text(std::uint32_t id) const { return texts_[id]; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    // A deque keeps the strings' addresses, which the map's views point to.
    std::deque<std::string> texts_;
    std::unordered_map<std::string_view, std::uint32_t, Hash, std::equal_to<>> ids_;
};

using Rows = std::unordered_map<Key, Sums, KeyHash>;

// Adds `from` into `into`; false when a sum leaves 64 bits.
bool add_into(Sums& into, const Sums& from, bool fresh) {
    if (fresh) {
        into = from;
        return true;
    }
    for (std::size_t i = 0; i < kSums; ++i)
        if (__builtin_add_overflow(into.v[i], from.v[i], &into.v[i])) return false;
    into.first_ms = std::min(into.first_ms, from.first_ms);
    into.last_ms = std::max(into.last_ms, from.last_ms);
    return true;
}

bool add_row(Rows& rows, const Key& key, const Sums& sums) {
    auto [it, fresh] = rows.try_emplace(key);
    return add_into(it->second, sums, fresh);
}

// Rows in primary-key order (texts compared as bytes, like BINARY), so the
// WITHOUT ROWID tables are filled by appending.
std::vector<const Rows::value_type*> in_key_order(const Rows& rows, const Interner& names) {
    std::vector<const Rows::value_type*> out;
    out.reserve(rows.size());
    for (const auto& row : rows) out.push_back(&row);
    // Primary key: time, source, session_id, model, project_name, surface, machine, user, repository.
    std::sort(out.begin(), out.end(), [&](const auto* a, const auto* b) {
        const Key& x = a->first;
        const Key& y = b->first;
        if (x.time != y.time) return x.time < y.time;
        for (std::size_t i = 0; i < 5; ++i)
            if (x.text[i] != y.text[i]) return names.text(x.text[i]) < names.text(y.text[i]);
        if (x.machine != y.machine) return x.machine < y.machine;
        for (std::size_t i = 5; i < kTexts; ++i)
            if (x.text[i] != y.text[i]) return names.text(x.text[i]) < names.text(y.text[i]);
        return false;
    });
    return out;
}

void write_rows(SQLite::Database& db, const char* table, const Rows& rows, const Interner& names) {
    SQLite::Statement insert(
        db, std::string("INSERT INTO ") + table + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto* row : in_key_order(rows, names)) {
        const Key& k = row->first;
        const Sums& s = row->second;
        int i = 1;
        insert.bind(i++, k.time);
        for (std::size_t t = 0; t < 5; ++t) insert.bindNoCopy(i++, names.text(k.text[t]));
        insert.bind(i++, k.machine);
        for (std::size_t t = 5; t < kTexts; ++t) insert.bindNoCopy(i++, names.text(k.text[t]));
        for (auto v : s.v) insert.bind(i++, v);
        insert.bind(i++, s.first_ms);
        insert.bind(i++, s.last_ms);
        insert.exec();
        insert.reset();
    }
}

}  // namespace

bool fill_rollups_from_events(SQLite::Database& db) {
    // The raw statement: SQLiteCpp's Column objects cost more than the sums.
    constexpr std::string_view kEvents = R"sql(
SELECT ts_ms, source, session_id, model, project_name, surface, machine, user, repository,
  input, output, reasoning, cache_read, cache_write_5m, cache_write_1h, cost_micros, cost_origin
FROM events WHERE superseded = 0 AND failure = '')sql";
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.getHandle(), kEvents.data(), static_cast<int>(kEvents.size()), &raw, nullptr) !=
        SQLITE_OK)
        throw SQLite::Exception(db.getHandle(), sqlite3_errcode(db.getHandle()));
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> events(raw, sqlite3_finalize);
    sqlite3_stmt* st = raw;
    Interner names;
    Rows hours;
    auto text = [&](int col) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
        return names.id(std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col))));
    };
    for (int rc; (rc = sqlite3_step(st)) != SQLITE_DONE;) {
        if (rc != SQLITE_ROW) throw SQLite::Exception(db.getHandle(), rc);
        // Every number a row holds is an integer (or a NULL cost); anything
        // else is summed as the SQL sums it, by the SQL.
        for (int col : {0, 6, 9, 10, 11, 12, 13, 14, 16})
            if (sqlite3_column_type(st, col) != SQLITE_INTEGER) return false;
        const int cost_type = sqlite3_column_type(st, 15);
        if (cost_type != SQLITE_INTEGER && cost_type != SQLITE_NULL) return false;

        const std::int64_t ts = sqlite3_column_int64(st, 0);
        Key key;
        key.time = floor_to(ts, kHourMs);
        key.machine = sqlite3_column_int64(st, 6);
        int t = 0;
        for (int col : {1, 2, 3, 4, 5, 7, 8}) key.text[static_cast<std::size_t>(t++)] = text(col);

        Sums sums;
        sums.v[0] = 1;
        for (int i = 0; i < 6; ++i) sums.v[static_cast<std::size_t>(1 + i)] = sqlite3_column_int64(st, 9 + i);
        const std::int64_t cost = sqlite3_column_int64(st, 15);  // NULL reads 0, as coalesce(cost_micros, 0)
        const std::int64_t origin = sqlite3_column_int64(st, 16);
        sums.v[7] = origin != 0 ? cost : 0;                 // priced
        sums.v[8] = origin == 2 ? cost : 0;                 // reported
        sums.v[9] = origin != 0 && origin != 2 ? cost : 0;  // estimated and override
        sums.v[10] = origin == 0 ? 1 : 0;                   // unpriced
        sums.first_ms = sums.last_ms = ts;
        if (!add_row(hours, key, sums)) return false;
    }

    Rows days;
    for (const auto& [hour_key, sums] : hours) {
        Key key = hour_key;
        key.time = floor_to(hour_key.time, kDayMs);
        if (!add_row(days, key, sums)) return false;
    }

    db.exec("DELETE FROM usage_rollup_day; DELETE FROM usage_rollup;");
    write_rows(db, "usage_rollup", hours, names);
    write_rows(db, "usage_rollup_day", days, names);
    return true;
}

std::vector<std::string> drop_rollup_triggers(SQLite::Database& db) {
    std::vector<std::pair<std::string, std::string>> triggers;  // name, CREATE statement
    SQLite::Statement list(db,
                           "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN "
                           "('events', 'usage_rollup') ORDER BY rowid");
    while (list.executeStep()) triggers.emplace_back(list.getColumn(0).getString(), list.getColumn(1).getString());
    std::vector<std::string> creates;
    for (auto& [name, create] : triggers) {
        db.exec("DROP TRIGGER \"" + name + "\"");
        creates.push_back(std::move(create));
    }
    return creates;
}

void restore_rollup_triggers(SQLite::Database& db, const std::vector<std::string>& creates) {
    for (const auto& create : creates) db.exec(create);
}

}  // namespace usage::detail
