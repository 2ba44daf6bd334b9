// The OTLP export loop: a batch of rows after the exporter's mark as log
// records, gzip, POST, move the mark only on 2xx; then the store's counters
// as metrics.
#include "usage/sync/otlp_export.hpp"

#include <algorithm>
#include <thread>

#include "sync/batch_body.hpp"
#include "sync/otlp_json.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/net/gzip.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/sync/retry_backoff.hpp"

namespace usage::sync {
namespace {

std::string url_of(const std::string& base, const char* path) {
    std::string url = base;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + path;
}

std::int64_t now_ns() {
    return unix_now_ms() * 1'000'000;
}

// The meta keys of one endpoint: when its counters started (a cumulative
// sum's start time must not move) and the mark its metrics were sent at.
std::string start_key(const std::string& endpoint) {
    return "otlp_metrics_start_ms " + endpoint;
}
std::string sent_key(const std::string& endpoint) {
    return "otlp_metrics_sent_at " + endpoint;
}
std::string mark_text(const OutboxMark& m) {
    return std::to_string(m.seq) + ":" + std::to_string(m.row);
}

/// One request, retried while the failure is transient.
struct Attempts {
    enum class Result { accepted, refused, gave_up };
    Result result = Result::accepted;
    HttpResponse response;
    std::string failure;  ///< why, for the message (refused or gave up)
};

class Sender {
public:
    Sender(const OtlpOptions& o, OtlpReport& report)
        : options_(o), report_(report), client_(o.http), backoff_(o.first_backoff, o.max_backoff) {
        headers_ = {"Content-Type: application/json", "Content-Encoding: gzip"};
        headers_.insert(headers_.end(), o.headers.begin(), o.headers.end());
        sleep_ = o.sleep ? o.sleep : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    }

    Attempts post(const std::string& url, const std::string& json) {
        const std::string body = gzip_compress(json);
        Attempts out;
        for (int attempt = 0;; ++attempt) {
            std::string failure;
            try {
                out.response = client_.post(url, body, headers_);
            } catch (const HttpError& e) {
                failure = e.what();
            }
            const long status = out.response.status;
            if (failure.empty() && status >= 200 && status < 300) return out;
            if (failure.empty() && status >= 400 && !is_transient_status(status)) {
                out.result = Attempts::Result::refused;
                out.failure = "HTTP " + std::to_string(status) + ": " + otlp_error_reason(out.response.body);
                return out;
            }
            if (failure.empty()) failure = "HTTP " + std::to_string(status);
            if (attempt + 1 >= options_.max_attempts) {
                out.result = Attempts::Result::gave_up;
                out.failure =
                    failure + " after " + std::to_string(attempt + 1) + (attempt == 0 ? " attempt" : " attempts");
                return out;
            }
            ++report_.retries;
            sleep_(backoff_.next(attempt, failure.starts_with("HTTP") ? out.response.retry_after : std::nullopt));
        }
    }

private:
    const OtlpOptions& options_;
    OtlpReport& report_;
    HttpClient client_;
    RetryBackoff backoff_;
    std::vector<std::string> headers_;
    std::function<void(std::chrono::milliseconds)> sleep_;
};

std::string rows_text(const OutboxCount& count) {
    return describe_rows(count, [](std::uint64_t n) { return std::to_string(n); });
}

}  // namespace

std::string otlp_outbox_key(const std::string& endpoint) {
    return "otlp:" + endpoint;
}

OtlpReport export_otlp(Store& store, const OtlpOptions& options) {
    const std::string key = otlp_outbox_key(options.endpoint);
    Outbox outbox(store, key);
    OtlpReport report;
    report.pending_before = outbox.pending();
    OutboxMark mark = outbox.state().acknowledged;
    const bool metrics_due = store.meta(sent_key(key)) != mark_text(mark) || report.pending_before.rows > 0;
    if (!metrics_due) {
        report.message = "nothing to export";
        return report;
    }
    Sender sender(options, report);
    auto finish = [&](OtlpOutcome outcome, std::string message) {
        report.outcome = outcome;
        report.message = std::move(message);
        report.still_queued = outbox.pending();
        outbox.record_result(outcome == OtlpOutcome::delivered, report.message);
        return report;
    };
    auto stopped = [&](const Attempts& a, const std::string& what) {
        if (a.result == Attempts::Result::refused)
            return finish(OtlpOutcome::refused, options.endpoint + " refused " + what + " (" + a.failure +
                                                    "); rows stay queued for the next run");
        return finish(OtlpOutcome::unreachable,
                      options.endpoint + ": " + a.failure + "; rows stay queued for the next run");
    };

    const std::string logs_url = url_of(options.endpoint, "/v1/logs");
    const std::size_t batch = std::max<std::size_t>(1, options.batch_records);
    std::string notes;
    for (;;) {
        const auto items = outbox.next(mark, batch, options.batch_bytes);
        if (items.empty()) break;
        const Attempts a = sender.post(logs_url, otlp_logs_body(items, options.resource, now_ns()));
        if (a.result != Attempts::Result::accepted) return stopped(a, "a batch of log records");
        report.rejected_records += otlp_rejected(a.response.body, "rejectedLogRecords", notes);
        count_rows(report.sent, items);
        ++report.batches;
        mark = items.back().mark;
        outbox.acknowledge(mark);
    }

    // The counters cover the whole store as it is now: exact whatever was
    // sent before, and the same after a restart.
    const std::string start_key_text = start_key(key);
    auto start_ms = store.meta(start_key_text);
    if (!start_ms) {
        start_ms = std::to_string(unix_now_ms());
        store.set_meta(start_key_text, *start_ms);
    }
    Query q;
    q.group = GroupBy::source;
    const auto body =
        otlp_metrics_body(run_query(store, q, true), options.resource, std::stoll(*start_ms) * 1'000'000, now_ns());
    const Attempts m = sender.post(url_of(options.endpoint, "/v1/metrics"), body.json);
    if (m.result != Attempts::Result::accepted) return stopped(m, "the metrics");
    otlp_rejected(m.response.body, "rejectedDataPoints", notes);
    report.metric_points = body.points;
    store.set_meta(sent_key(key), mark_text(mark));

    std::string message = "exported " + rows_text(report.sent) + " in " + std::to_string(report.batches) +
                          (report.batches == 1 ? " batch" : " batches") + " and " +
                          std::to_string(report.metric_points) + " metric points to " + options.endpoint;
    if (report.rejected_records > 0)
        message += "; the receiver dropped " + std::to_string(report.rejected_records) + " of the log records";
    return finish(OtlpOutcome::delivered, message + notes);
}

std::string_view otlp_outcome_name(OtlpOutcome outcome) {
    switch (outcome) {
        case OtlpOutcome::nothing_to_send: return "nothing_to_send";
        case OtlpOutcome::delivered: return "delivered";
        case OtlpOutcome::refused: return "refused";
        case OtlpOutcome::unreachable: return "unreachable";
    }
    return "unknown";
}

}  // namespace usage::sync
