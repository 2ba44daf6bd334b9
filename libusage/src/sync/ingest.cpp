// Endpoint ingest: machines, then the events through the same StoreWriter a
// local scan uses.
#include "usage/sync/ingest.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>

#include "usage/os/wall_clock.hpp"

namespace usage::sync {
namespace {

void record_machine(SQLite::Database& db, const MachineInfo& m) {
    SQLite::Statement st(db, R"sql(
INSERT INTO machines (id, name, updated_ms, os, time_zone, agent_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_ms = excluded.updated_ms, os = excluded.os,
  time_zone = excluded.time_zone, agent_version = excluded.agent_version)sql");
    st.bind(1, m.id);
    st.bind(2, m.name.empty() ? m.id : m.name);
    st.bind(3, unix_now_ms());
    st.bind(4, m.os);
    st.bind(5, m.time_zone);
    st.bind(6, m.agent_version);
    st.exec();
}

}  // namespace

IngestResult ingest_batch(Store& store, const IngestBatch& batch, const std::string& user) {
    FileBatch fb;
    fb.events.reserve(batch.events.size());
    for (const auto& w : batch.events) {
        fb.events.push_back(w.event);
        fb.events.back().user = user;
    }
    StoreWriter writer(store);  // one transaction: the machines, events and flags land together
    record_machine(store.db(), batch.machine);
    for (const auto& m : batch.machine_variants) record_machine(store.db(), m);
    writer.add(fb);
    for (const auto& w : batch.events)
        if (w.superseded) writer.mark_superseded(w.event.id);
    writer.commit();
    IngestResult r;
    r.received = batch.events.size();
    r.new_events = writer.stats().inserted;
    r.updated = writer.stats().updated;
    r.unchanged = writer.stats().unchanged;
    return r;
}

}  // namespace usage::sync
