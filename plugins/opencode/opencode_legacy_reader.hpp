// The legacy JSON tree OpenCode wrote before its SQLite database:
// `storage/message/<session id>/<message id>.json`, one whole document per
// message, rewritten in place while the call streams.
#pragma once

#include "usage/scan/source.hpp"

namespace usage::plugins::opencode {

/// Read one legacy message file (`file.session_hint`: the session folder's
/// name; `file.project_hint`: the OpenCode project id owning that session,
/// i.e. its folder under `storage/session/`, or empty when unknown).
/// At most one event; a file that is not JSON counts as one malformed line.
/// Throws std::runtime_error naming the file when it cannot be read.
ScanResult scan_legacy_message(const SourceFile& file);

}  // namespace usage::plugins::opencode
