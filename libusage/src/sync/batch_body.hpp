// The JSON text of one protocol batch built from outbox items whose events
// are already encoded (Outbox::Item::json): what the HTTP push POSTs and
// what a folder segment holds per line.
#pragma once

#include <string>
#include <vector>

#include "usage/sync/outbox.hpp"
#include "usage/sync/protocol.hpp"

namespace usage::sync {

/// `head` (machine, session costs; its own `events` empty) with `items` as its events.
std::string batch_body(const IngestBatch& head, const std::vector<Outbox::Item>& items);

/// Add `items` to `total`: rows, and of them superseded copies and failed calls.
void count_rows(OutboxCount& total, const std::vector<Outbox::Item>& items);

}  // namespace usage::sync
