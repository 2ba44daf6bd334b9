#include "agent_metrics.hpp"

#include <mutex>
#include <string>

#include "metric_registry.hpp"

namespace agent::metrics {
namespace {

void describe_common() {
    static std::once_flag once;
    std::call_once(once, [] {
        auto& r = registry();
        r.describe("usage_agent_build_info", Type::gauge, "Always 1; the agent's version as a label.");
        r.set("usage_agent_build_info", {{"version", USAGE_AGENT_VERSION}}, 1);
    });
}

}  // namespace

void describe_serve() {
    static std::once_flag once;
    std::call_once(once, [] {
        describe_common();
        auto& r = registry();
        r.describe("usage_agent_http_requests_total", Type::counter,
                   "HTTP requests answered by serve, by route and status code.");
        r.describe("usage_agent_http_request_duration_seconds", Type::histogram,
                   "Seconds from a request's header to its answer, by route.");
        r.describe("usage_agent_ingest_batches_total", Type::counter, "Batches ingested at POST /v1/ingest.");
        r.describe("usage_agent_ingest_events_total", Type::counter,
                   "Events received at POST /v1/ingest, by result (new, updated, unchanged).");
    });
}

void describe_run() {
    static std::once_flag once;
    std::call_once(once, [] {
        describe_common();
        auto& r = registry();
        r.describe("usage_agent_scans_total", Type::counter, "Scans of the transcripts run, by result (ok, failed).");
        r.describe("usage_agent_scan_duration_seconds", Type::histogram, "Seconds per scan of the transcripts.");
        r.describe("usage_agent_files_read_total", Type::counter,
                   "Transcript files read (new bytes found), by source.");
        r.describe("usage_agent_bytes_read_total", Type::counter, "Transcript bytes read, by source.");
        r.describe("usage_agent_events_read_total", Type::counter,
                   "Events the scans stored, by source and kind (new, updated, superseded, failed calls, invalid).");
        r.describe("usage_agent_pushes_total", Type::counter,
                   "Pushes to sync.endpoint, by outcome (delivered, nothing_to_send, auth_refused, refused, "
                   "unreachable, not_started, failed).");
        r.describe("usage_agent_events_pushed_total", Type::counter,
                   "Outbox rows the endpoint acknowledged (events, superseded copies and failed calls).");
        r.describe("usage_agent_push_failures_total", Type::counter,
                   "Pushes that did not deliver everything (endpoint unreachable or refusing, or a local error).");
        r.describe("usage_agent_outbox_rows", Type::gauge, "Rows waiting to be pushed, after the last push.");
    });
}

void record_request(std::string_view route, unsigned status, double seconds) {
    try {
        describe_serve();
        auto& r = registry();
        r.add("usage_agent_http_requests_total", {{"route", std::string(route)}, {"code", std::to_string(status)}});
        r.observe("usage_agent_http_request_duration_seconds", {{"route", std::string(route)}}, seconds);
    } catch (...) {  // a metric never fails a request
    }
}

void record_ingest(const usage::sync::IngestResult& result) {
    try {
        describe_serve();
        auto& r = registry();
        r.add("usage_agent_ingest_batches_total");
        r.add("usage_agent_ingest_events_total", {{"result", "new"}}, static_cast<double>(result.new_events));
        r.add("usage_agent_ingest_events_total", {{"result", "updated"}}, static_cast<double>(result.updated));
        r.add("usage_agent_ingest_events_total", {{"result", "unchanged"}}, static_cast<double>(result.unchanged));
    } catch (...) {
    }
}

void record_scan(const std::vector<usage::SourceScanStats>& stats, double seconds) {
    try {
        describe_run();
        auto& r = registry();
        r.add("usage_agent_scans_total", {{"result", "ok"}});
        r.observe("usage_agent_scan_duration_seconds", {}, seconds);
        for (const auto& s : stats) {
            const auto n = [](std::uint64_t v) { return static_cast<double>(v); };
            r.add("usage_agent_files_read_total", {{"source", s.source}}, n(s.files_read));
            r.add("usage_agent_bytes_read_total", {{"source", s.source}}, n(s.bytes_read));
            for (const auto& [kind, v] : {std::pair{"new", s.events_new},
                                          {"updated", s.events_updated},
                                          {"superseded", s.events_superseded},
                                          {"failed_call", s.failures_new},
                                          {"invalid", s.events_invalid}})
                r.add("usage_agent_events_read_total", {{"source", s.source}, {"kind", kind}}, n(v));
        }
    } catch (...) {
    }
}

void record_scan_failure() {
    try {
        describe_run();
        registry().add("usage_agent_scans_total", {{"result", "failed"}});
    } catch (...) {
    }
}

void record_push(const usage::sync::PushReport& report) {
    try {
        describe_run();
        auto& r = registry();
        using usage::sync::PushOutcome;
        r.add("usage_agent_pushes_total", {{"outcome", std::string(usage::sync::outcome_name(report.outcome))}});
        r.add("usage_agent_events_pushed_total", {}, static_cast<double>(report.sent.rows));
        if (report.outcome != PushOutcome::delivered && report.outcome != PushOutcome::nothing_to_send)
            r.add("usage_agent_push_failures_total");
        r.set("usage_agent_outbox_rows", {}, static_cast<double>(report.still_queued.rows));
    } catch (...) {
    }
}

void record_push_failure() {
    try {
        describe_run();
        registry().add("usage_agent_pushes_total", {{"outcome", "failed"}});
        registry().add("usage_agent_push_failures_total");
    } catch (...) {
    }
}

}  // namespace agent::metrics
