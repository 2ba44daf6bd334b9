// usage/sync/ingest.hpp — the endpoint's write path: a decoded protocol
// batch upserted into a store exactly like a local scan (by id, copies
// merged by TokenCounts::merge_copy), so a re-sent batch is harmless and grown counts converge.
#pragma once

#include <string>

#include "usage/store/store.hpp"
#include "usage/sync/protocol.hpp"

namespace usage::sync {

/// Store `batch` in one transaction. Every event belongs to `user` (the
/// user of the token that sent it, whatever the client claims); machines
/// are recorded with their details; an event the agent marked superseded
/// stays superseded here.
IngestResult ingest_batch(Store& store, const IngestBatch& batch, const std::string& user);

}  // namespace usage::sync
