// usage/sync/protocol.hpp — protocol v1 between an agent and a team endpoint
// (POST {endpoint}/v1/ingest). docs/sync-protocol.md is the normative text;
// this is its one implementation, shared by the pushing agent and `serve`.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "usage/model/event.hpp"
#include "usage/store/store.hpp"

namespace usage::sync {

inline constexpr int kProtocolVersion = 1;

/// A request the endpoint must refuse with 400 (the message is the reason).
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The machine that sent a batch, or a variant of it (a WSL machine's
/// Windows side has the id `<id>/windows`).
struct MachineInfo {
    std::string id;
    std::string name;
    std::string os;
    std::string time_zone;
    std::string agent_version;
};

/// One event as it travels: the normalised event plus the store's view of it.
struct WireEvent {
    UsageEvent event;  ///< `machine_id` set; `user` is never sent
    bool superseded = false;
    std::int64_t revision = 1;
};

struct IngestBatch {
    int protocol = kProtocolVersion;
    MachineInfo machine;
    std::vector<MachineInfo> machine_variants;
    std::vector<WireEvent> events;
    /// Session cost ledger figures (optional `session_costs`; endpoints
    /// before it ignore them): each endpoint keeps the largest per session.
    std::vector<SessionCost> session_costs;
};

/// The endpoint's answer to an accepted batch.
struct IngestResult {
    std::uint64_t received = 0;
    std::uint64_t new_events = 0;
    std::uint64_t updated = 0;
    std::uint64_t unchanged = 0;
};

/// JSON text of a batch (uncompressed).
std::string encode_batch(const IngestBatch& batch);
/// JSON text of one event, as it appears in `events` (for sizing batches).
std::string encode_event(const WireEvent& event);
/// Parse and validate a batch; throws ProtocolError naming the field (and
/// the event index) that is wrong, or the unsupported protocol version.
IngestBatch decode_batch(std::string_view json);

/// A stored row as a store export writes it (usage/store/store_archive.hpp):
/// the event as it travels plus its `user`, which the wire never carries.
std::string encode_stored_event(const WireEvent& event);
/// Parse and validate one such row with the rules decode_batch applies to
/// each of its events; throws ProtocolError naming the wrong field.
WireEvent decode_stored_event(std::string_view json);
/// JSON text of one machine, as a batch's `machine` is written.
std::string encode_machine(const MachineInfo& machine);
/// Parse one machine object; throws ProtocolError naming the wrong field.
MachineInfo decode_machine(std::string_view json);
/// JSON text of one session cost ledger figure, as `session_costs` holds it.
std::string encode_session_cost(const SessionCost& cost);
/// Parse one such figure; throws ProtocolError naming the wrong field.
SessionCost decode_session_cost(std::string_view json);

/// The reason in an error answer (`{"error": "<reason>"}`); otherwise the
/// start of the body on one line (an endpoint that is not ours).
std::string error_reason(std::string_view body);
/// Which event of the batch a 400 reason is about: `i` when the reason
/// starts with the quoted field path `'events[i]` (how decode_batch names a
/// wrong event field), else nullopt (the batch as a whole was refused).
std::optional<std::size_t> refused_event_index(std::string_view reason);

std::string encode_result(const IngestResult& result);
/// Throws ProtocolError when the text is not a v1 result.
IngestResult decode_result(std::string_view json);

}  // namespace usage::sync
