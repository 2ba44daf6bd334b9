// Endpoint ingest: machines, then the events through the same StoreWriter a
// local scan uses.
#include "usage/sync/ingest.hpp"

namespace usage::sync {
namespace {

MachineDetails details(const MachineInfo& m) {
    return {m.id, m.name, m.os, m.time_zone, m.agent_version};
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
    writer.record_machine(details(batch.machine));
    for (const auto& m : batch.machine_variants) writer.record_machine(details(m));
    writer.add(fb);
    for (const auto& w : batch.events)
        if (w.superseded) writer.mark_superseded(w.event.id);
    // Before the commit: a SQLite writer's transaction stays open after it
    // and is rolled back with the writer, taking anything written since.
    // The ledger keeps the largest figure, so a re-sent batch changes nothing.
    for (const auto& c : batch.session_costs) store.record_session_cost(c);
    writer.commit();
    IngestResult r;
    r.received = batch.events.size();
    r.new_events = writer.stats().inserted;
    r.updated = writer.stats().updated;
    r.unchanged = writer.stats().unchanged;
    return r;
}

}  // namespace usage::sync
