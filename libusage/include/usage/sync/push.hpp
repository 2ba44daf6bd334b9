// usage/sync/push.hpp — deliver the outbox to a team endpoint.
//
// At least once from here, exactly once at the endpoint (it upserts by id):
// a batch leaves the outbox only when the endpoint answered 2xx. Transient
// failures (no answer, 5xx, 429) are retried with exponential backoff and
// jitter, honouring Retry-After; a refused token (401/403) or a refused
// batch (400 about the batch as a whole) stops the push with one line saying
// so, and everything stays queued for the next run. A 400 about one event
// ('events[i]...') sets that row aside (see outbox.hpp) and the rest of the
// batch is sent again without it: one bad row never blocks the push.
//
// Every count here is of rows (events and superseded copies, see outbox.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "usage/net/http_client.hpp"
#include "usage/store/store.hpp"
#include "usage/sync/outbox.hpp"

namespace usage::sync {

struct PushOptions {
    std::string endpoint;  ///< base URL; batches go to {endpoint}/v1/ingest
    std::string token;     ///< bearer token (never logged)
    HttpOptions http;
    std::size_t batch_events = 500;
    std::size_t batch_bytes = 4u << 20;  ///< uncompressed JSON per batch
    int max_attempts = 6;                ///< per batch, before giving up until the next run
    std::chrono::milliseconds first_backoff{500};
    std::chrono::milliseconds max_backoff{60'000};
    MachineInfo machine;  ///< id, name, os, time zone, agent version of this machine
    /// How to wait between attempts (tests and the daemon may replace it).
    std::function<void(std::chrono::milliseconds)> sleep;
    /// Called after every accepted batch: events sent so far, total pending at start.
    std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

enum class PushOutcome {
    nothing_to_send,
    delivered,     ///< the outbox is empty (rows the endpoint refused are set aside)
    auth_refused,  ///< 401/403: fix the token
    refused,       ///< 400/413 that cannot be split: a bug or an incompatible endpoint
    unreachable,   ///< retries exhausted on transport errors, 5xx or 429
    not_started,   ///< no usable token: set by the caller, never by push_outbox
};

struct PushReport {
    PushOutcome outcome = PushOutcome::nothing_to_send;
    OutboxCount pending_before;
    OutboxCount sent;  ///< rows acknowledged by the endpoint
    std::uint64_t batches = 0;
    std::uint64_t retries = 0;
    std::uint64_t connections = 0;    ///< connections opened (keep-alive: 1 for the whole push)
    IngestResult endpoint;            ///< the endpoint's new/updated/unchanged rows, summed
    std::vector<SetAside> set_aside;  ///< rows refused by name in this run
    std::uint64_t session_costs = 0;  ///< session cost ledger figures the endpoint acknowledged
    OutboxCount still_queued;
    std::string message;  ///< one line for the user (never contains the token)
};

PushReport push_outbox(Store& store, const PushOptions& options);

/// "delivered", "auth_refused", ...: the outcome as `sync --json`, `status`
/// and the metrics name it.
std::string_view outcome_name(PushOutcome outcome);

}  // namespace usage::sync
