// `session-state/<sessionId>/events.jsonl`: Copilot's append-only event log.
// Only `session.shutdown` carries token counts (per model, for the whole
// leg); `session.start`/`session.resume` give the place, and
// `session.model_change` the model in use.
#pragma once

#include <string>
#include <string_view>

#include "copilot_event.hpp"
#include "copilot_shutdown_legs.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins::copilot {

/// What one events.jsonl carries from one read to the next (ScanResult::state).
struct EventsState {
    std::string session_id;
    SessionPlace place;
    std::string model;  ///< selectedModel / the last model_change
    LegHistory legs;

    [[nodiscard]] std::string encode() const;
    /// An empty or unrecognised state decodes to a fresh one.
    static EventsState decode(std::string_view text);
};

/// Read the lines after `start.offset`: one event per model per shutdown
/// leg (id `copilot-cli:<session>:shutdown:<envelope id>:<model>`, a replay
/// of the session's group, so session-store.db rows win).
ScanResult scan_events_log(const SourceFile& file, const ScanStart& start);

}  // namespace usage::plugins::copilot
