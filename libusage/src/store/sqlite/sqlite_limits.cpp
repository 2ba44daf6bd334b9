// The limit snapshots (schema migration 12): the latest rate-limit reading of
// each (source, window), usage/store/limit_store.hpp.
#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite/sqlite_backend.hpp"

namespace usage::detail {
namespace {

constexpr const char* kColumns =
    "SELECT source, window_key, window_minutes, used_percent, resets_at_ms, plan, observed_ms, session_id "
    "FROM limit_snapshots";

LimitSnapshot read_limit(const SQLite::Statement& st) {
    LimitSnapshot s;
    s.source = st.getColumn(0).getString();
    s.window = st.getColumn(1).getString();
    s.window_minutes = st.getColumn(2).getInt64();
    s.used_percent = st.getColumn(3).getDouble();
    s.resets_at_ms = st.getColumn(4).getInt64();
    s.plan = st.getColumn(5).getString();
    s.observed_ms = st.getColumn(6).getInt64();
    s.session_id = st.getColumn(7).getString();
    return s;
}

}  // namespace

bool SqliteBackend::record_limit(const LimitSnapshot& snapshot) {
    // Every token_count line and every statusline call reports the windows:
    // reading first keeps the ones that bring nothing newer from taking the
    // write lock a scan may hold.
    {
        SQLite::Statement st(*db_, "SELECT observed_ms FROM limit_snapshots WHERE source = ? AND window_key = ?");
        st.bind(1, snapshot.source);
        st.bind(2, snapshot.window);
        if (st.executeStep() && st.getColumn(0).getInt64() >= snapshot.observed_ms) return false;
    }
    SQLite::Statement st(*db_,
                         "INSERT INTO limit_snapshots (source, window_key, window_minutes, used_percent, "
                         "resets_at_ms, plan, observed_ms, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT (source, window_key) DO UPDATE SET window_minutes = excluded.window_minutes, "
                         "used_percent = excluded.used_percent, resets_at_ms = excluded.resets_at_ms, "
                         "plan = excluded.plan, observed_ms = excluded.observed_ms, session_id = excluded.session_id "
                         "WHERE excluded.observed_ms > limit_snapshots.observed_ms");
    st.bind(1, snapshot.source);
    st.bind(2, snapshot.window);
    st.bind(3, static_cast<std::int64_t>(snapshot.window_minutes));
    st.bind(4, snapshot.used_percent);
    st.bind(5, static_cast<std::int64_t>(snapshot.resets_at_ms));
    st.bind(6, snapshot.plan);
    st.bind(7, static_cast<std::int64_t>(snapshot.observed_ms));
    st.bind(8, snapshot.session_id);
    // Another process may have recorded a newer reading since the read.
    return st.exec() == 1;
}

std::vector<LimitSnapshot> SqliteBackend::limits() const {
    SQLite::Statement st(*db_, std::string(kColumns) + " ORDER BY source, window_key");
    std::vector<LimitSnapshot> out;
    while (st.executeStep()) out.push_back(read_limit(st));
    return out;
}

}  // namespace usage::detail
