// The push loop: read a batch after the acknowledged mark, gzip it, POST it,
// move the mark only on 2xx.
#include "usage/sync/push.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "sync/batch_body.hpp"
#include "sync/ledger_push.hpp"
#include "usage/net/gzip.hpp"
#include "usage/sync/retry_backoff.hpp"

namespace usage::sync {
namespace {

std::string endpoint_url(const std::string& base) {
    std::string url = base;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/v1/ingest";
}

std::string count_of(std::uint64_t n) {
    return std::to_string(n);
}

std::string batches_of(std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " batch" : " batches");
}

}  // namespace

PushReport push_outbox(Store& store, const PushOptions& options) {
    Outbox outbox(store, options.endpoint);
    outbox.forget_changed_set_asides();
    PushReport report;
    report.pending_before = outbox.pending();
    IngestBatch head;
    head.session_costs = unsent_session_costs(store, options.endpoint);
    if (report.pending_before.rows == 0 && head.session_costs.empty()) {
        report.message = "nothing to push";
        return report;
    }
    const std::string url = endpoint_url(options.endpoint);
    const std::vector<std::string> headers = {"Content-Type: application/json", "Content-Encoding: gzip",
                                              "Authorization: Bearer " + options.token};
    HttpClient client(options.http);
    RetryBackoff backoff(options.first_backoff, options.max_backoff);
    auto sleep = options.sleep ? options.sleep : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };

    head.machine = options.machine;
    head.machine_variants = outbox.machine_variants(options.machine.id);
    OutboxMark mark = outbox.state().acknowledged;
    std::size_t batch_events = std::max<std::size_t>(1, options.batch_events);

    auto finish = [&](PushOutcome outcome, std::string message) {
        report.outcome = outcome;
        report.message = std::move(message);
        report.still_queued = outbox.pending();
        outbox.record_result(outcome == PushOutcome::delivered, report.message);
        return report;
    };

    for (;;) {
        const auto items = outbox.next(mark, batch_events, options.batch_bytes);
        // The ledger's figures ride with the first batch, or go alone.
        if (items.empty() && head.session_costs.empty()) break;
        // What is still to deliver of this batch: rows the endpoint refuses
        // by name leave it, and the rest is sent again at once.
        std::vector<Outbox::Item> sending = items;
        std::string body = gzip_compress(batch_body(head, sending));
        bool split = false;
        for (int attempt = 0; !sending.empty() || !head.session_costs.empty();) {
            HttpResponse r;
            std::string failure;
            try {
                r = client.post(url, body, headers);
                report.connections += static_cast<std::uint64_t>(std::max(0L, r.new_connections));
            } catch (const HttpError& e) {
                failure = e.what();
            }
            if (failure.empty() && r.status >= 200 && r.status < 300) {
                IngestResult got;
                try {
                    got = decode_result(r.body);
                } catch (const ProtocolError&) {
                    got.received = sending.size();  // a 2xx is the acknowledgement; the counts are informative
                }
                count_rows(report.sent, sending);
                ++report.batches;
                report.endpoint.new_events += got.new_events;
                report.endpoint.updated += got.updated;
                report.endpoint.unchanged += got.unchanged;
                report.session_costs += head.session_costs.size();
                acknowledge_session_costs(store, options.endpoint, head.session_costs);
                head.session_costs.clear();
                break;
            }
            if (failure.empty() && (r.status == 401 || r.status == 403))
                return finish(PushOutcome::auth_refused, options.endpoint + " refused the token (HTTP " +
                                                             std::to_string(r.status) +
                                                             "): check sync.token_file or USAGE_AGENT_TOKEN");
            if (failure.empty() && r.status == 413 && sending.size() > 1) {
                batch_events = std::max<std::size_t>(1, sending.size() / 2);  // split and resend
                split = true;
                break;
            }
            if (failure.empty() && r.status == 400) {
                const std::string reason = error_reason(r.body);
                if (auto i = refused_event_index(reason); i && *i < sending.size()) {
                    outbox.set_aside(sending[*i], reason);
                    report.set_aside.push_back({sending[*i].event.event.id, reason, 0});
                    sending.erase(sending.begin() + static_cast<std::ptrdiff_t>(*i));
                    if (!sending.empty() || !head.session_costs.empty())
                        body = gzip_compress(batch_body(head, sending));
                    continue;  // not a failure of the endpoint: no backoff, no attempt used
                }
            }
            if (failure.empty() && r.status >= 400 && !is_transient_status(r.status))
                return finish(PushOutcome::refused, options.endpoint + " refused a batch (HTTP " +
                                                        std::to_string(r.status) + "): " + error_reason(r.body));
            if (failure.empty()) failure = "HTTP " + std::to_string(r.status);
            if (attempt + 1 >= options.max_attempts)
                return finish(PushOutcome::unreachable, options.endpoint + ": " + failure + " after " +
                                                            std::to_string(attempt + 1) +
                                                            " attempts; events stay queued for the next run");
            ++report.retries;
            sleep(backoff.next(attempt, failure.starts_with("HTTP") ? r.retry_after : std::nullopt));
            ++attempt;
        }
        if (split) continue;
        if (items.empty()) continue;  // the ledger's figures alone: delivered
        // Delivered, or every row of it set aside: the mark passes the whole batch.
        mark = items.back().mark;
        outbox.acknowledge(mark);
        if (options.on_progress) options.on_progress(report.sent.rows, report.pending_before.rows);
    }
    std::string message = "pushed " + describe_rows(report.sent, count_of) + " in " + batches_of(report.batches) +
                          " to " + options.endpoint;
    if (report.session_costs > 0)
        message += " with " + std::to_string(report.session_costs) +
                   (report.session_costs == 1 ? " session cost" : " session costs");
    if (!report.set_aside.empty())
        message += "; set aside " + std::to_string(report.set_aside.size()) +
                   (report.set_aside.size() == 1 ? " row" : " rows") +
                   " the endpoint refused (see `usage-agent status`)";
    return finish(PushOutcome::delivered, message);
}

std::string_view outcome_name(PushOutcome outcome) {
    switch (outcome) {
        case PushOutcome::nothing_to_send: return "nothing_to_send";
        case PushOutcome::delivered: return "delivered";
        case PushOutcome::auth_refused: return "auth_refused";
        case PushOutcome::refused: return "refused";
        case PushOutcome::unreachable: return "unreachable";
        case PushOutcome::not_started: return "not_started";
    }
    return "unknown";
}

}  // namespace usage::sync
