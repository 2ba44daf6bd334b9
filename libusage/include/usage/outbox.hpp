// usage/outbox.hpp — what this machine still has to push to an endpoint.
//
// Every stored row carries a change sequence bumped whenever it is inserted
// or changes (grown counts, superseded). The endpoint's acknowledged mark is
// the (change_seq, rowid) of the last row of the last batch it accepted with
// a 2xx, so the outbox is every row after the mark: nothing is copied, a row
// that changes after it was sent is sent again, and a crash before the mark
// moves only means a re-send the endpoint absorbs by id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "usage/store.hpp"
#include "usage/sync_protocol.hpp"

namespace usage::sync {

struct OutboxMark {
    std::int64_t seq = -1;
    std::int64_t row = -1;
};

/// What `status` shows about pushing to one endpoint.
struct PushState {
    std::string endpoint;
    OutboxMark acknowledged;
    std::int64_t last_attempt_ms = 0;
    std::int64_t last_success_ms = 0;
    std::string last_result;  ///< one line: "ok: 12 events" or the error
};

class Outbox {
public:
    Outbox(Store& store, std::string endpoint);

    struct Item {
        WireEvent event;
        OutboxMark mark;
        std::string json;  ///< the event encoded, kept to size and build the body
    };

    /// Rows after the acknowledged mark, in change order.
    [[nodiscard]] std::uint64_t pending() const;
    /// The next batch after `after`: at most `max_events` events and about
    /// `max_bytes` of JSON (always at least one event when any is pending).
    [[nodiscard]] std::vector<Item> next(const OutboxMark& after, std::size_t max_events, std::size_t max_bytes) const;
    /// Machines (this one and its variants) the events refer to.
    [[nodiscard]] std::vector<MachineInfo> machine_variants(const std::string& machine_id) const;

    [[nodiscard]] PushState state() const;
    /// The endpoint accepted everything up to `mark` (durable on return).
    void acknowledge(const OutboxMark& mark);
    /// Remember how the last push went (for `status`).
    void record_result(bool ok, const std::string& line);

private:
    Store& store_;
    std::string endpoint_;
};

}  // namespace usage::sync
