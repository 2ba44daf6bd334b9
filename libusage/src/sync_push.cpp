// The push loop: read a batch after the acknowledged mark, gzip it, POST it,
// move the mark only on 2xx.
#include "usage/sync_push.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "usage/gzip.hpp"

namespace usage::sync {
namespace {

std::string body_of(const IngestBatch& head, const std::vector<Outbox::Item>& items) {
    // The batch envelope is encoded once; the events were encoded while
    // sizing the batch and are spliced in as they are.
    std::string envelope = encode_batch(head);  // "...,"events":[]}"
    const std::string tail = "[]}";
    std::string body = envelope.substr(0, envelope.size() - tail.size());
    body += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) body += ',';
        body += items[i].json;
    }
    body += "]}";
    return body;
}

class Backoff {
public:
    explicit Backoff(const PushOptions& o) : options_(o), rng_(std::random_device{}()) {}
    // Full jitter: a random wait in [delay/2, delay], delay doubling per try.
    std::chrono::milliseconds next(int attempt, std::optional<std::chrono::seconds> retry_after) {
        if (retry_after) return std::min<std::chrono::milliseconds>(*retry_after, std::chrono::minutes(10));
        auto delay = options_.first_backoff * (1LL << std::min(attempt, 16));
        delay = std::min<std::chrono::milliseconds>(delay, options_.max_backoff);
        std::uniform_int_distribution<std::int64_t> d(delay.count() / 2, delay.count());
        return std::chrono::milliseconds(d(rng_));
    }

private:
    const PushOptions& options_;
    std::mt19937_64 rng_;
};

std::string endpoint_url(const std::string& base) {
    std::string url = base;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/v1/ingest";
}

std::string short_body(const std::string& body) {
    std::string s = body.substr(0, 200);
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

}  // namespace

PushReport push_outbox(Store& store, const PushOptions& options) {
    Outbox outbox(store, options.endpoint);
    PushReport report;
    report.pending_before = outbox.pending();
    if (report.pending_before == 0) {
        report.message = "nothing to push";
        return report;
    }
    const std::string url = endpoint_url(options.endpoint);
    const std::vector<std::string> headers = {"Content-Type: application/json", "Content-Encoding: gzip",
                                              "Authorization: Bearer " + options.token};
    HttpClient client(options.http);
    Backoff backoff(options);
    auto sleep = options.sleep ? options.sleep : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };

    IngestBatch head;
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
        auto items = outbox.next(mark, batch_events, options.batch_bytes);
        if (items.empty()) break;
        const std::string body = gzip_compress(body_of(head, items));
        for (int attempt = 0;; ++attempt) {
            HttpResponse r;
            std::string failure;
            try {
                r = client.post(url, body, headers);
            } catch (const HttpError& e) {
                failure = e.what();
            }
            if (failure.empty() && r.status >= 200 && r.status < 300) {
                IngestResult got;
                try {
                    got = decode_result(r.body);
                } catch (const ProtocolError&) {
                    got.received = items.size();  // a 2xx is the acknowledgement; the counts are informative
                }
                mark = items.back().mark;
                outbox.acknowledge(mark);
                report.sent += items.size();
                ++report.batches;
                report.endpoint.new_events += got.new_events;
                report.endpoint.updated += got.updated;
                report.endpoint.unchanged += got.unchanged;
                if (options.on_progress) options.on_progress(report.sent, report.pending_before);
                break;
            }
            if (failure.empty() && (r.status == 401 || r.status == 403))
                return finish(PushOutcome::auth_refused, options.endpoint + " refused the token (HTTP " +
                                                             std::to_string(r.status) +
                                                             "): check sync.token_file or USAGE_AGENT_TOKEN");
            if (failure.empty() && r.status == 413 && items.size() > 1) {
                batch_events = std::max<std::size_t>(1, items.size() / 2);  // split and resend
                break;
            }
            if (failure.empty() && r.status >= 400 && r.status < 500 && r.status != 408 && r.status != 429)
                return finish(PushOutcome::refused, options.endpoint + " refused a batch (HTTP " +
                                                        std::to_string(r.status) + "): " + short_body(r.body));
            if (failure.empty()) failure = "HTTP " + std::to_string(r.status);
            if (attempt + 1 >= options.max_attempts)
                return finish(PushOutcome::unreachable, options.endpoint + ": " + failure + " after " +
                                                            std::to_string(attempt + 1) +
                                                            " attempts; events stay queued for the next run");
            ++report.retries;
            sleep(backoff.next(attempt, failure.starts_with("HTTP") ? r.retry_after : std::nullopt));
        }
    }
    return finish(PushOutcome::delivered, "pushed " + std::to_string(report.sent) + " events in " +
                                              std::to_string(report.batches) + " batches to " + options.endpoint);
}

}  // namespace usage::sync
