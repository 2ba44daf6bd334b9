// The metric families of `serve` and `run`, named and described in one
// place (docs/metrics.md lists them), and the calls that record them. Every
// record_* call describes its families on first use, so no caller has to
// remember an order; none of them throws.
#pragma once

#include <string_view>
#include <vector>

#include "usage/scan/scan_engine.hpp"
#include "usage/sync/protocol.hpp"
#include "usage/sync/push.hpp"

namespace agent::metrics {

/// One answered HTTP request of `serve`: its route ("read", "ingest",
/// "page", "health", "session", "refresh", "metrics"; "refused" when the
/// header alone was answered), status code and seconds from its header to
/// its answer.
void record_request(std::string_view route, unsigned status, double seconds);

/// One ingested batch at the endpoint.
void record_ingest(const usage::sync::IngestResult& result);

/// One scan of `run` (its stats per source), or a failed one.
void record_scan(const std::vector<usage::SourceScanStats>& stats, double seconds);
void record_scan_failure();

/// One push of `run`: what it sent and what is still queued.
void record_push(const usage::sync::PushReport& report);
/// A push that failed before it had a report (the store, the config).
void record_push_failure();

/// Describes the families of `serve` or of `run` (so a scrape before the
/// first request or scan already lists them) and sets the build info gauge.
void describe_serve();
void describe_run();

}  // namespace agent::metrics
