// The limit snapshots (schema migration 10): the latest rate-limit reading of
// each (source, window), usage/store/limit_store.hpp.
#include <charconv>
#include <stdexcept>

#include "store/postgres/pg_backend.hpp"

namespace usage::pg {
namespace {

constexpr const char* kColumns =
    "SELECT source, window_key, window_minutes, used_percent::text, resets_at_ms, plan, observed_ms, session_id "
    "FROM limit_snapshots";

// Doubles travel as text both ways (Param has no double): the shortest text
// that reads back as the same double, so nothing is lost on the way.
std::string double_text(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) throw std::logic_error("a double did not fit its text buffer");
    return std::string(buf, end);
}

double double_of(std::string_view text) {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        throw std::runtime_error("limit_snapshots.used_percent: not a number: " + std::string(text));
    return v;
}

LimitSnapshot limit_from_row(const Result& r, int row) {
    LimitSnapshot s;
    s.source = r.string(row, 0);
    s.window = r.string(row, 1);
    s.window_minutes = r.int64(row, 2);
    s.used_percent = double_of(r.text(row, 3));
    s.resets_at_ms = r.int64(row, 4);
    s.plan = r.string(row, 5);
    s.observed_ms = r.int64(row, 6);
    s.session_id = r.string(row, 7);
    return s;
}

}  // namespace

bool PgBackend::record_limit(const LimitSnapshot& snapshot) {
    auto conn = lease();
    // One statement: the row lock of ON CONFLICT orders two writers, and the
    // WHERE keeps the newer reading whichever commits first.
    const Result r = conn->exec(
        "INSERT INTO limit_snapshots (source, window_key, window_minutes, used_percent, resets_at_ms, plan, "
        "observed_ms, session_id) VALUES ($1, $2, $3, $4::double precision, $5, $6, $7, $8) "
        "ON CONFLICT (source, window_key) DO UPDATE SET window_minutes = excluded.window_minutes, "
        "used_percent = excluded.used_percent, resets_at_ms = excluded.resets_at_ms, plan = excluded.plan, "
        "observed_ms = excluded.observed_ms, session_id = excluded.session_id "
        "WHERE excluded.observed_ms > limit_snapshots.observed_ms RETURNING 1",
        {snapshot.source, snapshot.window, snapshot.window_minutes, double_text(snapshot.used_percent),
         snapshot.resets_at_ms, snapshot.plan, snapshot.observed_ms, snapshot.session_id});
    return r.rows() == 1;
}

std::vector<LimitSnapshot> PgBackend::limits() const {
    auto conn = lease();
    const Result r = conn->exec(std::string(kColumns) + " ORDER BY source COLLATE \"C\", window_key");
    std::vector<LimitSnapshot> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(limit_from_row(r, i));
    return out;
}

}  // namespace usage::pg
