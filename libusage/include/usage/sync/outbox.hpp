// usage/sync/outbox.hpp — what this machine still has to push to an endpoint.
//
// Every stored row carries a change sequence bumped whenever it is inserted
// or changes (grown counts, superseded). The endpoint's acknowledged mark is
// the (change_seq, rowid) of the last row of the last batch it accepted with
// a 2xx, so the outbox is every row after the mark: nothing is copied, a row
// that changes after it was sent is sent again, and a crash before the mark
// moves only means a re-send the endpoint absorbs by id.
//
// A row the endpoint refuses by name (a 400 about 'events[i]') is set aside
// for that endpoint with its reason: skipped, so it holds back nothing,
// until its content changes (a new change_seq), when it is sent again.
//
// Only this machine's rows (and its variants', e.g. WSL's Windows side) are
// sent: rows of another machine, merged in by `store import`, stay local.
//
// Counting: the outbox holds rows, i.e. events (what reports count),
// superseded copies of events (counted nowhere, sent so the endpoint knows)
// and failed calls (counted only as failed requests).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "usage/store/store.hpp"
#include "usage/sync/protocol.hpp"

namespace usage::sync {

struct OutboxMark {
    std::int64_t seq = -1;
    std::int64_t row = -1;
};

/// Rows waiting for an endpoint: events, superseded copies and failed calls.
struct OutboxCount {
    std::uint64_t rows = 0;
    std::uint64_t superseded = 0;  ///< of `rows`, superseded copies
    std::uint64_t failed = 0;      ///< of `rows`, failed calls (UsageEvent::failure) not superseded
    [[nodiscard]] std::uint64_t events() const { return rows - superseded - failed; }
};

/// "3 events", or "5 rows (3 events, 1 superseded copy, 1 failed call)" when
/// other rows are among them: the words every count of the push is shown with. `number`
/// formats a count (e.g. with thousands separators).
std::string describe_rows(const OutboxCount& count, const std::function<std::string(std::uint64_t)>& number);

/// A row the endpoint refused by name, skipped until its content changes.
struct SetAside {
    std::string event_id;
    std::string reason;  ///< the endpoint's reason, as it gave it
    std::int64_t at_ms = 0;
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

    /// Rows after the acknowledged mark, set-aside rows not included.
    [[nodiscard]] OutboxCount pending() const;
    /// The next batch after `after`, in change order, set-aside rows skipped:
    /// at most `max_events` rows and about `max_bytes` of JSON (always at
    /// least one row when any is pending).
    [[nodiscard]] std::vector<Item> next(const OutboxMark& after, std::size_t max_events, std::size_t max_bytes) const;
    /// Machines (this one and its variants) the events refer to.
    [[nodiscard]] std::vector<MachineInfo> machine_variants(const std::string& machine_id) const;

    [[nodiscard]] PushState state() const;
    /// The endpoint accepted everything up to `mark` (durable on return).
    void acknowledge(const OutboxMark& mark);
    /// Remember how the last push went (for `status`).
    void record_result(bool ok, const std::string& line);

    /// The endpoint refused this row (durable on return).
    void set_aside(const Item& item, const std::string& reason);
    /// Rows set aside in their current content (a row changed since it was
    /// refused is waiting again, not set aside).
    [[nodiscard]] std::uint64_t set_aside_count() const;
    /// The `limit` most recently set aside, newest first.
    [[nodiscard]] std::vector<SetAside> set_aside_last(std::size_t limit) const;
    /// Forget refusals of rows that changed since: they are sent again.
    void forget_changed_set_asides();

private:
    Store& store_;
    std::string endpoint_;
};

}  // namespace usage::sync
