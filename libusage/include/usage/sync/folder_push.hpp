// usage/sync/folder_push.hpp — deliver the outbox to a shared folder
// (`sync.endpoint: file:///path`, docs/folder-sync.md) instead of an endpoint.
//
// Each push writes the rows after the folder's acknowledged mark as new
// append-only segments in this machine's own subfolder,
// `<folder>/<machine id>/<8-digit seq>-<random>.jsonl.gz`: gzip of one
// protocol batch per line (the HTTP push's wire format, plus the writer's
// `user`), written under a dot-prefixed temporary name, flushed, given its
// name without ever replacing a file, and the folder flushed; only then does
// the mark move. A crash in between writes the same rows again into a later
// segment, which the importer absorbs by event id. No segment is ever
// rewritten or deleted, and no file outside this machine's subfolder is
// written, so machines sharing the folder never touch each other's files.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "usage/store/store.hpp"
#include "usage/sync/push.hpp"

namespace usage::sync {

struct FolderPushOptions {
    std::string endpoint;  ///< the file:/// URL: the outbox's key and the folder
    std::string user;      ///< who the events belong to (config `user`), written with each batch
    MachineInfo machine;
    std::size_t batch_events = 500;      ///< rows per line (batch)
    std::size_t batch_bytes = 4u << 20;  ///< about this much event JSON per line
    /// A segment is closed after about this much uncompressed JSON, so a first
    /// push of a long history makes a few segments an importer reads one by one.
    std::size_t segment_bytes = 64u << 20;
    /// When the last segment was written less than this ago, write nothing
    /// (the rows wait for a later push): `run` pushes after every scan, and
    /// many small files are what synced folders handle worst.
    std::chrono::milliseconds min_interval{0};
    std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

/// Outcomes: delivered; nothing_to_send (also when min_interval holds the
/// rows back: the message says so and `still_queued` counts them);
/// unreachable when the shared folder is missing or cannot be written (the
/// rows stay queued; the shared folder itself is never created, only this
/// machine's subfolder in it). `batches` counts the segments written.
PushReport push_to_folder(Store& store, const FolderPushOptions& options);

}  // namespace usage::sync
