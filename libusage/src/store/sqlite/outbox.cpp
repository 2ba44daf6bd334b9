// The outbox: rows after the acknowledged (change_seq, rowid) mark.
#include "usage/sync/outbox.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>

#include "store/sqlite/event_row.hpp"
#include "store/sqlite/sqlite_backend.hpp"
#include "usage/os/wall_clock.hpp"

namespace usage::sync {
namespace {

// `change_seq >= ?` lets SQLite range-scan events_change; the OR then skips
// the rows of the mark's own sequence already acknowledged, the NOT EXISTS
// the rows refused in their current content (?4 is the endpoint). Only this
// machine's rows (?5, its variants ?6) are sent: rows of another machine
// came in with `store import`, and an endpoint takes a machine's rows from
// that machine alone (its copy of them came from there).
constexpr const char* kAfterMark =
    " WHERE e.change_seq >= ?1 AND (e.change_seq > ?1 OR e.rowid > ?2) AND NOT EXISTS (SELECT 1 FROM "
    "push_set_aside s WHERE s.endpoint = ?4 AND s.event_id = e.id AND s.change_seq = e.change_seq) "
    "AND (e.machine = 0 OR e.machine IN (SELECT key FROM machines WHERE id = ?5 OR id LIKE ?6 ESCAPE '\\')) ";

// Set-aside rows whose row still has the content that was refused.
constexpr const char* kCurrentSetAside =
    " FROM push_set_aside s JOIN events e ON e.id = s.event_id AND e.change_seq = s.change_seq "
    "WHERE s.endpoint = ?1 ";

// `id/%`, with LIKE's wildcards in `id` escaped: the ids of a machine's variants.
std::string variants_pattern(const std::string& machine_id) {
    std::string pattern;
    for (char ch : machine_id) {
        if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
        pattern += ch;
    }
    return pattern + "/%";
}

// Binds kAfterMark's ?5 and ?6.
void bind_machine(SQLite::Statement& st, const Store& store) {
    const std::string id = store.machine_id();
    st.bind(5, id);
    st.bind(6, variants_pattern(id));
}

std::string plural(std::uint64_t n, const std::string& number, const char* one, const char* many) {
    return number + " " + (n == 1 ? one : many);
}

}  // namespace

std::string describe_rows(const OutboxCount& count, const std::function<std::string(std::uint64_t)>& number) {
    const std::string events = plural(count.events(), number(count.events()), "event", "events");
    if (count.superseded == 0 && count.failed == 0) return events;
    std::string parts = events;
    if (count.superseded > 0)
        parts += ", " + plural(count.superseded, number(count.superseded), "superseded copy", "superseded copies");
    if (count.failed > 0) parts += ", " + plural(count.failed, number(count.failed), "failed call", "failed calls");
    return plural(count.rows, number(count.rows), "row", "rows") + " (" + parts + ")";
}

Outbox::Outbox(Store& store, std::string endpoint) : store_(store), endpoint_(std::move(endpoint)) {
    SQLite::Statement st(detail::sqlite_database(store_),
                         "INSERT INTO push_state (endpoint) VALUES (?) ON CONFLICT DO NOTHING");
    st.bind(1, endpoint_);
    st.exec();
}

PushState Outbox::state() const {
    SQLite::Statement st(detail::sqlite_database(store_),
                         "SELECT seq, row, last_attempt_ms, last_success_ms, last_result FROM push_state "
                         "WHERE endpoint = ?");
    st.bind(1, endpoint_);
    PushState s;
    s.endpoint = endpoint_;
    if (st.executeStep()) {
        s.acknowledged = {st.getColumn(0).getInt64(), st.getColumn(1).getInt64()};
        s.last_attempt_ms = st.getColumn(2).getInt64();
        s.last_success_ms = st.getColumn(3).getInt64();
        s.last_result = st.getColumn(4).getString();
    }
    return s;
}

OutboxCount Outbox::pending() const {
    const OutboxMark m = state().acknowledged;
    SQLite::Statement st(detail::sqlite_database(store_),
                         std::string("SELECT count(*), coalesce(sum(e.superseded), 0), "
                                     "coalesce(sum(e.superseded = 0 AND e.failure <> ''), 0) FROM events e") +
                             kAfterMark);
    st.bind(1, m.seq);
    st.bind(2, m.row);
    st.bind(4, endpoint_);
    bind_machine(st, store_);
    st.executeStep();
    return {static_cast<std::uint64_t>(st.getColumn(0).getInt64()),
            static_cast<std::uint64_t>(st.getColumn(1).getInt64()),
            static_cast<std::uint64_t>(st.getColumn(2).getInt64())};
}

std::vector<Outbox::Item> Outbox::next(const OutboxMark& after, std::size_t max_events, std::size_t max_bytes) const {
    SQLite::Statement st(detail::sqlite_database(store_),
                         std::string("SELECT e.change_seq, e.rowid, ") + detail::kEventRowColumns +
                             " FROM events e LEFT JOIN machines m ON m.key = e.machine" + kAfterMark + "ORDER BY e.change_seq, e.rowid LIMIT ?3");
    st.bind(1, after.seq);
    st.bind(2, after.row);
    st.bind(3, static_cast<std::int64_t>(max_events));
    st.bind(4, endpoint_);
    bind_machine(st, store_);
    std::vector<Item> out;
    std::size_t bytes = 0;
    while (st.executeStep()) {
        Item it;
        it.mark = {st.getColumn(0).getInt64(), st.getColumn(1).getInt64()};
        it.event = detail::read_event_row(st, 2);
        it.event.event.user.clear();  // never sent: the endpoint's token says whose it is
        it.json = encode_event(it.event);
        if (!out.empty() && bytes + it.json.size() > max_bytes) break;
        bytes += it.json.size();
        out.push_back(std::move(it));
    }
    return out;
}

std::vector<MachineInfo> Outbox::machine_variants(const std::string& machine_id) const {
    SQLite::Statement st(detail::sqlite_database(store_),
                         "SELECT id, name, os FROM machines WHERE id LIKE ? ESCAPE '\\' ORDER BY id");
    st.bind(1, variants_pattern(machine_id));
    std::vector<MachineInfo> out;
    while (st.executeStep())
        out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(), "", ""});
    return out;
}

void Outbox::acknowledge(const OutboxMark& mark) {
    SQLite::Statement st(detail::sqlite_database(store_),
                         "UPDATE push_state SET seq = ?, row = ?, last_success_ms = ? WHERE endpoint = ?");
    st.bind(1, mark.seq);
    st.bind(2, mark.row);
    st.bind(3, unix_now_ms());
    st.bind(4, endpoint_);
    st.exec();
}

void Outbox::record_result(bool ok, const std::string& line) {
    SQLite::Statement st(detail::sqlite_database(store_),
                         std::string("UPDATE push_state SET last_attempt_ms = ?1, last_result = ?2") +
                             (ok ? ", last_success_ms = ?1" : "") + " WHERE endpoint = ?3");
    st.bind(1, unix_now_ms());
    st.bind(2, line);
    st.bind(3, endpoint_);
    st.exec();
}

void Outbox::set_aside(const Item& item, const std::string& reason) {
    SQLite::Statement st(detail::sqlite_database(store_), R"sql(
INSERT INTO push_set_aside (endpoint, event_id, change_seq, reason, set_aside_ms) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (endpoint, event_id) DO UPDATE SET change_seq = excluded.change_seq, reason = excluded.reason,
  set_aside_ms = excluded.set_aside_ms)sql");
    st.bind(1, endpoint_);
    st.bind(2, item.event.event.id);
    st.bind(3, item.mark.seq);
    st.bind(4, reason);
    st.bind(5, unix_now_ms());
    st.exec();
}

std::uint64_t Outbox::set_aside_count() const {
    SQLite::Statement st(detail::sqlite_database(store_), std::string("SELECT count(*)") + kCurrentSetAside);
    st.bind(1, endpoint_);
    st.executeStep();
    return static_cast<std::uint64_t>(st.getColumn(0).getInt64());
}

std::vector<SetAside> Outbox::set_aside_last(std::size_t limit) const {
    SQLite::Statement st(detail::sqlite_database(store_), std::string("SELECT s.event_id, s.reason, s.set_aside_ms") +
                                                              kCurrentSetAside +
                                                              "ORDER BY s.set_aside_ms DESC, s.rowid DESC LIMIT ?2");
    st.bind(1, endpoint_);
    st.bind(2, static_cast<std::int64_t>(limit));
    std::vector<SetAside> out;
    while (st.executeStep())
        out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getInt64()});
    return out;
}

void Outbox::forget_changed_set_asides() {
    SQLite::Statement st(detail::sqlite_database(store_), R"sql(
DELETE FROM push_set_aside WHERE endpoint = ?1 AND NOT EXISTS (
  SELECT 1 FROM events e WHERE e.id = push_set_aside.event_id AND e.change_seq = push_set_aside.change_seq))sql");
    st.bind(1, endpoint_);
    st.exec();
}

}  // namespace usage::sync
