// Counting rules (transcript-formats.md, Codex section), in the order a
// token_count line meets them:
//  1. `info: null` is a rate-limit refresh: only its `rate_limits` are read
//     (on_rate_limits, as for every token_count outside a replay window).
//  2. A cumulative total equal to the previous one of this file is a
//     re-emit (UI refresh, the restored snapshot on resume): skip.
//  3. In a fork's replay window (below) the line is the parent's: it only
//     moves the baseline.
//  4. The call is `last_token_usage`; without it the delta of the totals. A
//     total that went backwards without `last_token_usage` only starts a new
//     baseline (never a negative call).
// The event id is `codex-cli:<thread>:<cumulative input.cached.output.
// reasoning>`: the same call has the same id in a plain, `.zst` or archived
// copy of the rollout, and a stale re-emit of an older total lands on the
// id it had the first time.
//
// Fork replay window: a rollout with `forked_from_id` or a thread_spawn
// parent first copies its parent's history (and, nested, its ancestors'),
// token_count lines included, often re-stamped with the fork's time. The
// window closes at the first turn that started after the child was created:
// a UUID v7 turn id at or after the child's creation millisecond (thread ids
// are v7 too), or for legacy ids the `started_at` of its task_started. A turn
// with no time signal at all is taken as the child's own. The last replayed
// cumulative vectors are remembered, so a parent snapshot repeated after the
// window (as Codex emits on fork) is not counted either.
#include "codex_counter.hpp"

#include <algorithm>
#include <cstring>

#include "codex_identity.hpp"
#include "usage/scan/iso_time.hpp"

namespace usage::plugins::codex {
namespace {

constexpr std::size_t kReplayMemory = 16;

std::string last_component(std::string_view path) {
    while (path.size() > 1 && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void append_key(std::string& out, const Usage& total) {
    char buf[96];
    const int n = std::snprintf(buf, sizeof buf, "%lld.%lld.%lld.%lld", static_cast<long long>(total.input),
                                static_cast<long long>(total.cached), static_cast<long long>(total.output),
                                static_cast<long long>(total.reasoning));
    out.append(buf, static_cast<std::size_t>(n));
}

std::optional<LineKind> kind_of_line(simdjson::ondemand::parser& parser, char* line, std::size_t size,
                                     std::size_t capacity) {
    if (auto kind = classify_prefix(std::string_view(line, size))) return kind;
    return classify_line(parser, line, size, capacity);
}

// A per-call figure derived from running totals (their growth, or the first
// total of a file) obeys the per-call cap like any count; the first field
// above it, with its value.
std::optional<std::pair<std::string_view, std::int64_t>> above_call_cap(const Usage& call) {
    const std::pair<std::string_view, std::int64_t> fields[] = {
        {"payload.info.total_token_usage.input_tokens (growth of the total)", call.input},
        {"payload.info.total_token_usage.cached_input_tokens (growth of the total)", call.cached},
        {"payload.info.total_token_usage.output_tokens (growth of the total)", call.output},
        {"payload.info.total_token_usage.reasoning_output_tokens (growth of the total)", call.reasoning},
        {"payload.info.total_token_usage.cache_write_input_tokens (growth of the total)", call.cache_write}};
    for (const auto& f : fields)
        if (f.second > kMaxTokensPerCall) return f;
    return std::nullopt;
}

// Whether a token_count line may hold a `rate_limits` object (not null, not
// absent, as in every rollout before Codex wrote them): only those are parsed
// when `info` is null.
bool carries_rate_limits(std::string_view line) {
    const auto at = line.find(R"("rate_limits":)");
    return at != std::string_view::npos && line.substr(at + 14, 4) != "null";
}

}  // namespace

bool may_matter(std::string_view head, bool leading) {
    auto kind = classify_prefix(head);
    if (!kind) return true;  // unusual shape: look at the whole line
    switch (*kind) {
        case LineKind::session_meta: return leading;
        case LineKind::turn_context:
        case LineKind::task_started:
        case LineKind::token_count: return true;
        case LineKind::other: return false;
    }
    return true;
}

TokenCounts tokens_of(const Usage& call) {
    TokenCounts t;
    const std::int64_t input = std::max<std::int64_t>(0, call.input);
    t.cache_read = std::clamp<std::int64_t>(call.cached, 0, input);
    t.cache_write_5m = std::clamp<std::int64_t>(call.cache_write, 0, input - t.cache_read);
    t.input = input - t.cache_read - t.cache_write_5m;
    t.output = std::max<std::int64_t>(0, call.output);
    t.reasoning = std::clamp<std::int64_t>(call.reasoning, 0, t.output);
    return t;
}

RolloutCounter::RolloutCounter(const SourceFile& file, ThreadState& state, ScanResult& out)
    : file_(file), state_(state), out_(out) {}

bool RolloutCounter::leading_line(char* line, std::size_t size, std::size_t capacity) {
    auto kind = kind_of_line(parser_, line, size, capacity);
    if (kind && *kind != LineKind::session_meta) return false;
    auto meta = kind ? parse_session_meta(parser_, line, size, capacity) : std::nullopt;
    if (!meta) {
        ++out_.malformed_lines;
        return true;
    }
    if (!own_)
        own_ = std::move(*meta);
    else if (meta->id != own_->id)
        ancestors_.push_back(std::move(*meta));
    return true;
}

void RolloutCounter::end_leading() {
    if (own_) apply_session_meta(state_, *own_, ancestors_);
    own_.reset();
    ancestors_.clear();
}

void RolloutCounter::line(char* line, std::size_t size, std::size_t capacity, const RecordPlace& place) {
    if (state_.thread_id.empty()) state_.thread_id = file_.session_hint;  // no session_meta: the file name's id
    if (state_.session_id.empty()) state_.session_id = state_.thread_id;
    auto kind = kind_of_line(parser_, line, size, capacity);
    if (!kind) {
        ++out_.malformed_lines;
        return;
    }
    if (*kind == LineKind::other || *kind == LineKind::session_meta) return;
    if (*kind == LineKind::token_count && !carries_rate_limits(std::string_view(line, size)) &&
        std::string_view(line, size).find(R"("token_count","info":null)") != std::string_view::npos)
        return;  // a refresh without rate limits: nothing to parse
    TurnLine parsed;
    if (parse_turn_line(parser_, line, size, capacity, *kind, parsed) == ParseOutcome::malformed) {
        ++out_.malformed_lines;
        return;
    }
    if (*kind == LineKind::token_count) {
        on_rate_limits(parsed);
        on_token_count(parsed, place);
    } else
        on_turn(parsed);
}

bool RolloutCounter::own_turn(std::string_view turn_id, std::int64_t started_at) const {
    if (auto ms = uuid_v7_ms(turn_id)) return *ms >= state_.child_ms;
    if (started_at >= 0) return started_at >= state_.child_ms / 1000;
    return true;  // no time signal at all: the child's own turn
}

void RolloutCounter::on_turn(const TurnLine& turn) {
    if (state_.in_replay) {
        std::int64_t started = turn.started_at;
        if (turn.kind == LineKind::turn_context && turn.turn_id == state_.task_turn_id) started = state_.task_started;
        if (!own_turn(turn.turn_id, started)) {
            if (turn.kind == LineKind::task_started) {
                state_.task_turn_id.assign(turn.turn_id);
                state_.task_started = turn.started_at;
            }
            return;  // a replayed ancestor turn: its model and cwd are not ours
        }
        state_.in_replay = false;
        state_.task_turn_id.clear();
        state_.task_started = -1;
    }
    if (turn.kind != LineKind::turn_context) return;
    if (!turn.model.empty()) {
        state_.model.assign(turn.model);
        state_.model_guessed = false;
    }
    if (!turn.cwd.empty()) state_.cwd.assign(turn.cwd);
}

void RolloutCounter::remember_replayed(const Usage& total) {
    const std::uint64_t h = vector_hash(total);
    if (std::find(state_.replayed.begin(), state_.replayed.end(), h) != state_.replayed.end()) return;
    if (state_.replayed.size() == kReplayMemory) state_.replayed.erase(state_.replayed.begin());
    state_.replayed.push_back(h);
}

void RolloutCounter::on_token_count(const TurnLine& tc, const RecordPlace& place) {
    if (!tc.has_info || (!tc.has_total && !tc.has_last)) return;
    if (tc.bad.found()) {
        // Not a call: the line moves nothing, so the next total's delta
        // (only used without last_token_usage) spans it.
        out_.invalid.add(place, tc.bad.field, tc.bad.value, tc.bad.rule);
        return;
    }
    const Usage total = tc.has_total ? tc.total : state_.has_prev ? state_.prev.plus(tc.last) : tc.last;
    if (state_.has_prev && total == state_.prev) return;  // re-emitted snapshot
    if (state_.in_replay) {
        remember_replayed(total);
        state_.prev = total;
        state_.has_prev = true;
        return;
    }
    if (!state_.replayed.empty() &&
        std::find(state_.replayed.begin(), state_.replayed.end(), vector_hash(total)) != state_.replayed.end())
        return;  // the parent's snapshot once more, after the window

    const bool backwards = state_.has_prev && !total.covers(state_.prev);
    std::optional<Usage> call;
    if (tc.has_last)
        call = tc.last;
    else if (!state_.has_prev)
        call = total;
    else if (!backwards)
        call = total.minus(state_.prev);
    state_.prev = total;
    state_.has_prev = true;
    if (!call) return;  // reset without a per-call figure: a new baseline only
    if (!tc.has_last)
        if (auto over = above_call_cap(*call)) {
            const std::string value = std::to_string(over->second);
            out_.invalid.add(place, over->first, value);
            return;
        }
    const TokenCounts tokens = tokens_of(*call);
    if (tokens.total() == 0) return;

    if (backwards) {
        // A stale snapshot of an older total has that total's id: merge.
        id_.clear();
        id_.append("codex-cli:").append(state_.thread_id).append(":");
        append_key(id_, total);
        for (auto& e : out_.events)
            if (e.id == id_) {
                e.tokens.merge_copy(tokens);
                return;
            }
    }
    emit(tc, total, tokens);
}

void RolloutCounter::on_rate_limits(const TurnLine& tc) {
    // A fork's replayed lines are the parent's old readings, often stamped
    // with the fork's time: they would pass for new ones.
    if (state_.in_replay || (!tc.primary.present && !tc.secondary.present)) return;
    const auto observed = detail::parse_iso8601_ms(tc.timestamp);
    if (!observed) return;  // no time: it could not be ordered against other readings
    const std::pair<const RateWindow*, std::string_view> windows[] = {{&tc.primary, "primary"},
                                                                      {&tc.secondary, "secondary"}};
    for (const auto& [w, name] : windows) {
        if (!w->present) continue;
        LimitSnapshot s;
        s.source = "codex-cli";
        // Codex meters some models on limits of their own (limit_id other
        // than "codex"): their windows are other windows.
        if (!tc.limit_id.empty() && tc.limit_id != "codex") s.window.assign(tc.limit_id).append("/");
        s.window.append(name);
        s.window_minutes = w->window_minutes;
        s.used_percent = w->used_percent;
        if (w->resets_at >= 0)
            s.resets_at_ms = w->resets_at * 1000;
        else if (w->resets_in_seconds >= 0)
            s.resets_at_ms = *observed + w->resets_in_seconds * 1000;
        s.plan.assign(tc.plan_type);
        s.observed_ms = *observed;
        s.session_id = state_.session_id;
        keep_latest(out_.limits, std::move(s));
    }
}

void RolloutCounter::fill_model() {
    if (!state_.model.empty() || config_checked_) return;
    config_checked_ = true;
    if (auto model = config_model_for(file_.path)) {
        state_.model = std::move(*model);
        state_.model_guessed = true;
    }
}

UsageEvent& RolloutCounter::emit(const TurnLine& tc, const Usage& total, const TokenCounts& tokens) {
    fill_model();
    UsageEvent& e = out_.events.emplace_back();
    e.source = "codex-cli";
    e.id.reserve(11 + state_.thread_id.size() + 48);
    e.id.append("codex-cli:").append(state_.thread_id).append(":");
    append_key(e.id, total);
    e.session_id = state_.session_id;
    e.parent_session_id = state_.parent_id;
    e.model = state_.model;
    e.model_guessed = state_.model_guessed;
    e.provider = state_.provider.empty() ? "openai" : state_.provider;
    e.surface = state_.surface.empty() ? "cli" : state_.surface;
    e.git_branch = state_.git_branch;
    e.repository = state_.repository;
    if (!state_.cwd.empty()) {
        e.project_path = state_.cwd;
        e.project_name = last_component(state_.cwd);
    }
    if (auto ms = detail::parse_iso8601_ms(tc.timestamp)) e.timestamp_ms = *ms;
    e.tokens = tokens;
    return e;
}

}  // namespace usage::plugins::codex
