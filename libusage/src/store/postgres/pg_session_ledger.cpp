// The session cost ledger (schema migration 8): one row per session a tool
// reported a whole-session cost for, keeping the largest figure seen; and the
// connection settings its quick writer, the statusline, needs (none here).
#include "store/postgres/pg_backend.hpp"

namespace usage::pg {
namespace {

constexpr const char* kColumns =
    "SELECT source, session_id, cost_micros, model, version, updated_ms FROM session_ledger";

SessionCost cost_from_row(const Result& r, int row) {
    SessionCost c;
    c.source = r.string(row, 0);
    c.session_id = r.string(row, 1);
    c.cost_micros = r.int64(row, 2);
    c.model = r.string(row, 3);
    c.version = r.string(row, 4);
    c.updated_ms = r.int64(row, 5);
    return c;
}

}  // namespace

bool PgBackend::record_session_cost(const SessionCost& cost) {
    auto conn = lease();
    // One statement: the row lock of ON CONFLICT orders two replicas' figures,
    // and the WHERE keeps the larger whichever commits first.
    const Result r = conn->exec(
        "INSERT INTO session_ledger (source, session_id, cost_micros, model, version, updated_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source, session_id) DO UPDATE SET "
        "cost_micros = excluded.cost_micros, model = excluded.model, version = excluded.version, "
        "updated_ms = excluded.updated_ms WHERE excluded.cost_micros > session_ledger.cost_micros RETURNING 1",
        {cost.source, cost.session_id, cost.cost_micros, cost.model, cost.version, cost.updated_ms});
    return r.rows() == 1;
}

std::optional<SessionCost> PgBackend::session_cost(const std::string& source, const std::string& session_id) const {
    auto conn = lease();
    const Result r = conn->exec(std::string(kColumns) + " WHERE source = $1 AND session_id = $2", {source, session_id});
    if (r.rows() == 0) return std::nullopt;
    return cost_from_row(r, 0);
}

std::vector<SessionCost> PgBackend::session_costs() const {
    auto conn = lease();
    const Result r = conn->exec(std::string(kColumns) + " ORDER BY source COLLATE \"C\", session_id");
    std::vector<SessionCost> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(cost_from_row(r, i));
    return out;
}

// Writers of a PostgreSQL store take row locks only: nothing waits on a
// store-wide lock the way a SQLite writer does.
void PgBackend::set_lock_wait_ms(int) {}
void PgBackend::skip_checkpoint_on_close() {}

}  // namespace usage::pg
