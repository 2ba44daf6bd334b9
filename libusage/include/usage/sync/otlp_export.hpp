// usage/sync/otlp_export.hpp — deliver the outbox to an OpenTelemetry
// receiver (OTLP/HTTP, JSON encoding), next to or instead of the team push.
//
// Logs: every row after the exporter's own acknowledged mark (the outbox of
// the key "otlp:<endpoint>", see outbox.hpp) becomes one log record with the
// GenAI semantic-convention attributes (docs/otlp.md has the table), POSTed
// in batches to <endpoint>/v1/logs. At least once: a batch leaves the outbox
// only on a 2xx; a row that changes later (grown counts, superseded) is sent
// again, so a receiver keeps the latest record per `usage.event_id`.
//
// Metrics: after the logs, cumulative monotonic sums of tokens, cost and
// requests by source and model, computed from the store at that moment (so
// exact and restart-proof), POSTed to <endpoint>/v1/metrics whenever the
// mark moved since they were last accepted.
//
// Failures: no answer, 408, 429 and 5xx are retried with backoff (honouring
// Retry-After) up to `max_attempts`, then the run stops, the rows stay
// queued. Any other 4xx refuses the batch: the run stops at once with one
// line, nothing is acknowledged, nothing is lost (the next run sends it
// again; a receiver that keeps refusing is shown by `status`).
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

/// Who sends: the OTLP resource of every request.
struct OtlpResource {
    std::string service_version;  ///< service.version
    std::string host_name;        ///< host.name (the configured machine name)
    std::string machine_id;       ///< host.id (the store's random machine id)
    std::string user;             ///< usage.user (the configured user)
};

struct OtlpOptions {
    std::string endpoint;              ///< base URL; POSTs go to {endpoint}/v1/logs and /v1/metrics
    std::vector<std::string> headers;  ///< extra "Name: value" lines (may hold secrets: never logged)
    HttpOptions http;
    std::size_t batch_records = 500;
    std::size_t batch_bytes = 4u << 20;  ///< about this much JSON per batch, before gzip
    int max_attempts = 6;                ///< per request, before giving up until the next run
    std::chrono::milliseconds first_backoff{500};
    std::chrono::milliseconds max_backoff{60'000};
    OtlpResource resource;
    /// How to wait between attempts (tests and the daemon may replace it).
    std::function<void(std::chrono::milliseconds)> sleep;
};

enum class OtlpOutcome {
    nothing_to_send,  ///< no rows waiting, metrics already accepted
    delivered,        ///< every waiting row (and the metrics) accepted
    refused,          ///< a 4xx other than 408/429: rows stay queued
    unreachable,      ///< retries exhausted on transport errors, 408, 429 or 5xx
};

struct OtlpReport {
    OtlpOutcome outcome = OtlpOutcome::nothing_to_send;
    OutboxCount pending_before;
    OutboxCount sent;  ///< rows acknowledged by the receiver
    std::uint64_t batches = 0;
    std::uint64_t retries = 0;
    /// Log records the receiver said it dropped (OTLP partial success).
    std::uint64_t rejected_records = 0;
    std::uint64_t metric_points = 0;  ///< data points in the accepted metrics request (0: none sent)
    OutboxCount still_queued;
    std::string message;  ///< one line for the user (never contains a header value)
};

/// The outbox key of an OTLP endpoint: its own mark, apart from the push's.
std::string otlp_outbox_key(const std::string& endpoint);

OtlpReport export_otlp(Store& store, const OtlpOptions& options);

/// "delivered", "refused", ...: the outcome as `sync --json` and `status` name it.
std::string_view otlp_outcome_name(OtlpOutcome outcome);

}  // namespace usage::sync
