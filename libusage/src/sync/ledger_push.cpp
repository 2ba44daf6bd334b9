#include "sync/ledger_push.hpp"

#include <algorithm>
#include <charconv>

namespace usage::sync {
namespace {

std::string mark_key(const std::string& endpoint) {
    return "session_ledger_pushed_ms:" + endpoint;
}

}  // namespace

std::vector<SessionCost> unsent_session_costs(const Store& store, const std::string& endpoint) {
    std::int64_t mark = -1;
    if (auto text = store.meta(mark_key(endpoint))) std::from_chars(text->data(), text->data() + text->size(), mark);
    std::vector<SessionCost> out;
    // The ledger has a row per session a tool reported on: reading it whole
    // is cheaper than keeping an index on updated_ms current on every write.
    for (auto& c : store.session_costs())
        if (c.updated_ms > mark) out.push_back(std::move(c));
    return out;
}

void acknowledge_session_costs(Store& store, const std::string& endpoint, const std::vector<SessionCost>& sent) {
    if (sent.empty()) return;
    const auto newest = std::max_element(sent.begin(), sent.end(), [](const SessionCost& a, const SessionCost& b) {
        return a.updated_ms < b.updated_ms;
    });
    store.set_meta(mark_key(endpoint), std::to_string(newest->updated_ms));
}

}  // namespace usage::sync
