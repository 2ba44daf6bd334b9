// The event model's small behaviours: merging copies and naming cost origins.
#include "usage/model/event.hpp"

#include <algorithm>
#include <tuple>

namespace usage {

bool TokenCounts::prompt_outranks(const TokenCounts& other) const {
    // A total order on the four prompt fields (input is fixed by the others
    // once prompt() is), so any set of copies has one winner. A copy with the
    // cache split beats a bare prompt figure of the same size: a gateway's
    // partial line often reports the whole prompt as `input`.
    auto key = [](const TokenCounts& t) {
        const std::int64_t cached = t.cache_read + t.cache_write();
        return std::tuple(t.prompt(), cached > 0, t.cache_read, t.cache_write_5m, t.cache_write_1h);
    };
    return key(*this) > key(other);
}

void TokenCounts::merge_copy(const TokenCounts& other) {
    if (other.prompt_outranks(*this)) {
        input = other.input;
        cache_read = other.cache_read;
        cache_write_5m = other.cache_write_5m;
        cache_write_1h = other.cache_write_1h;
    }
    output = std::max(output, other.output);
    reasoning = std::max(reasoning, other.reasoning);
}

std::string_view to_string(CostOrigin origin) {
    switch (origin) {
        case CostOrigin::unpriced: return "unpriced";
        case CostOrigin::estimated: return "estimated";
        case CostOrigin::reported: return "reported";
        case CostOrigin::override_price: return "override";
    }
    return "unpriced";
}

std::optional<CostOrigin> cost_origin_from_string(std::string_view name) {
    for (CostOrigin o : {CostOrigin::unpriced, CostOrigin::estimated, CostOrigin::reported, CostOrigin::override_price})
        if (name == to_string(o)) return o;
    if (name.empty()) return CostOrigin::unpriced;
    return std::nullopt;
}

namespace {
void fill(std::string& mine, const std::string& theirs) {
    if (mine.empty()) mine = theirs;
}
}  // namespace

void UsageEvent::merge(const UsageEvent& other) {
    tokens.merge_copy(other.tokens);
    // A call copied into several sessions (a resumed session copies earlier
    // lines into its own file) belongs to the session whose id sorts first,
    // with that copy's parent: the same whatever the order copies come in.
    if (!other.session_id.empty() && (session_id.empty() || other.session_id < session_id)) {
        session_id = other.session_id;
        parent_session_id = other.parent_session_id;
    } else if (other.session_id == session_id) {
        fill(parent_session_id, other.parent_session_id);
    }
    if (model.empty() || (model_guessed && !other.model_guessed && !other.model.empty())) {
        model = other.model;
        pricing_model = other.pricing_model;
        model_guessed = other.model_guessed;
    }
    fill(pricing_model, other.pricing_model);
    fill(provider, other.provider);
    fill(project_name, other.project_name);
    fill(project_path, other.project_path);
    fill(git_branch, other.git_branch);
    fill(repository, other.repository);
    fill(surface, other.surface);
    fill(dedup_group, other.dedup_group);
    if (other.timestamp_ms != 0 && (timestamp_ms == 0 || other.timestamp_ms < timestamp_ms))
        timestamp_ms = other.timestamp_ms;
    if (other.reported_cost_micros && (!reported_cost_micros || *other.reported_cost_micros > *reported_cost_micros))
        reported_cost_micros = other.reported_cost_micros;
    // A copy that knows the event is a sum must not be overruled: pricing
    // it per call would apply a tier no single call reached.
    aggregate = aggregate || other.aggregate;
    // A call seen once outside a replay is not a replay.
    replay = replay && other.replay;
}

std::string dedup_group_end(const std::string& group) {
    std::string end = group;
    end.back() = static_cast<char>(end.back() + 1);
    return end;
}

}  // namespace usage
