#include "sync/batch_body.hpp"

#include <stdexcept>
#include <string_view>

namespace usage::sync {

std::string batch_body(const IngestBatch& head, const std::vector<Outbox::Item>& items) {
    // The envelope is encoded once with no events; the events, encoded while
    // sizing the batch, are spliced in. Keys are written sorted, so the
    // envelope starts with the empty events array.
    if (!head.events.empty()) throw std::logic_error("sync: a batch head carries no events");
    const std::string envelope = encode_batch(head);
    constexpr std::string_view empty_events = R"({"events":[])";
    if (!envelope.starts_with(empty_events)) throw std::logic_error("sync: unexpected batch envelope");
    std::string body = "{\"events\":[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) body += ',';
        body += items[i].json;
    }
    body += ']';
    body.append(envelope, empty_events.size());
    return body;
}

void count_rows(OutboxCount& total, const std::vector<Outbox::Item>& items) {
    total.rows += items.size();
    for (const auto& it : items) {
        total.superseded += it.event.superseded ? 1 : 0;
        total.failed += !it.event.superseded && !it.event.event.failure.empty() ? 1 : 0;
    }
}

}  // namespace usage::sync
