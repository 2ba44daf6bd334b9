// The session cost ledger (schema migration 10): one row per session a tool
// reported a whole-session cost for, keeping the largest figure seen; and the
// connection settings its quick writer, the statusline, needs.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "store/sqlite/sqlite_backend.hpp"

namespace usage::detail {
namespace {

constexpr const char* kColumns =
    "SELECT source, session_id, cost_micros, model, version, updated_ms FROM session_ledger";

SessionCost read_cost(const SQLite::Statement& st) {
    SessionCost c;
    c.source = st.getColumn(0).getString();
    c.session_id = st.getColumn(1).getString();
    c.cost_micros = st.getColumn(2).getInt64();
    c.model = st.getColumn(3).getString();
    c.version = st.getColumn(4).getString();
    c.updated_ms = st.getColumn(5).getInt64();
    return c;
}

}  // namespace

bool SqliteBackend::record_session_cost(const SessionCost& cost) {
    // A statusline reports the same figure many times between two calls:
    // reading first keeps those from taking the write lock a scan may hold.
    if (auto stored = session_cost(cost.source, cost.session_id); stored && stored->cost_micros >= cost.cost_micros)
        return false;
    SQLite::Statement st(*db_,
                         "INSERT INTO session_ledger (source, session_id, cost_micros, model, version, updated_ms) "
                         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, session_id) DO UPDATE SET "
                         "cost_micros = excluded.cost_micros, model = excluded.model, version = excluded.version, "
                         "updated_ms = excluded.updated_ms WHERE excluded.cost_micros > session_ledger.cost_micros");
    st.bind(1, cost.source);
    st.bind(2, cost.session_id);
    st.bind(3, static_cast<std::int64_t>(cost.cost_micros));
    st.bind(4, cost.model);
    st.bind(5, cost.version);
    st.bind(6, static_cast<std::int64_t>(cost.updated_ms));
    // Another process may have recorded a larger figure since the read.
    return st.exec() == 1;
}

std::optional<SessionCost> SqliteBackend::session_cost(const std::string& source, const std::string& session_id) const {
    SQLite::Statement st(*db_, std::string(kColumns) + " WHERE source = ? AND session_id = ?");
    st.bind(1, source);
    st.bind(2, session_id);
    if (st.executeStep()) return read_cost(st);
    return std::nullopt;
}

std::vector<SessionCost> SqliteBackend::session_costs() const {
    SQLite::Statement st(*db_, std::string(kColumns) + " ORDER BY source, session_id");
    std::vector<SessionCost> out;
    while (st.executeStep()) out.push_back(read_cost(st));
    return out;
}

void SqliteBackend::set_lock_wait_ms(int ms) {
    db_->setBusyTimeout(ms);
}

void SqliteBackend::skip_checkpoint_on_close() {
    sqlite3_db_config(db_->getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

}  // namespace usage::detail
