#include "gemini_events.hpp"

#include "usage/model/failure_kind.hpp"
#include "usage/scan/iso_time.hpp"

namespace usage::plugins::gemini {
namespace {

std::string last_component(std::string_view path) {
    while (path.size() > 1 && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// How an API call failed, from its text: `[API Error: ... (Status:
// RESOURCE_EXHAUSTED)]` is `resource_exhausted`; without a status, `api_error`.
std::string failure_of(std::string_view text) {
    const auto at = text.rfind("(Status: ");
    if (at == std::string_view::npos) return "api_error";
    const auto end = text.find(')', at);
    std::string status(text.substr(at + 9, end == std::string_view::npos ? 0 : end - at - 9));
    for (char& c : status)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return failure_name(status).value_or("api_error");
}

}  // namespace

EventCollector::EventCollector(const SourceFile& file, std::string last_model)
    : file_(&file), previous_model_(std::move(last_model)), last_model_(previous_model_) {}

void EventCollector::add(const GeminiMessage& m) {
    if (m.is_failed_call()) {
        // One failed call per record id; its model is filled in by finish().
        if (!index_.emplace(std::string(m.id), events_.size()).second) return;
        UsageEvent e;
        e.id.assign(m.id);
        e.failure = failure_of(m.content);
        if (auto parsed = detail::parse_iso8601_ms(m.timestamp)) e.timestamp_ms = *parsed;
        events_.push_back(std::move(e));
        return;
    }
    if (!m.is_call() || m.bad.found()) return;  // user / info / warning / the CLI's errors: no call
    const TokenCounts tokens = normalised_tokens(m);
    if (tokens.total() == 0) return;
    if (!m.model.empty()) last_model_.assign(m.model);
    std::int64_t ts = 0;
    if (auto parsed = detail::parse_iso8601_ms(m.timestamp)) ts = *parsed;

    if (auto it = index_.find(std::string(m.id)); it != index_.end()) {
        UsageEvent& e = events_[it->second];
        e.tokens.merge_copy(tokens);
        if (e.model.empty()) e.model.assign(m.model);
        if (ts != 0 && (e.timestamp_ms == 0 || ts < e.timestamp_ms)) e.timestamp_ms = ts;
        return;
    }
    UsageEvent e;
    e.id.assign(m.id);
    e.model.assign(m.model);
    e.tokens = tokens;
    e.timestamp_ms = ts;
    index_.emplace(e.id, events_.size());
    events_.push_back(std::move(e));
}

std::vector<UsageEvent> EventCollector::finish(const GeminiMeta& meta) {
    const SourceFile& file = *file_;
    // The file's own session id keys the events. Subagent files (kind
    // "subagent", below chats/<parent session id>/) report under the parent.
    const std::string own_session = !meta.session_id.empty() ? meta.session_id : file.path.stem().string();
    const bool subagent = file.kind == "subagent" && !file.session_hint.empty();
    const std::string session = subagent ? file.session_hint : own_session;

    // project_hint is the project root from `.project_root` when the folder
    // has one, else the folder name (a slug, or the project hash).
    std::string project_name, project_path;
    const std::string& hint = file.project_hint;
    if (hint.find_first_of("/\\") != std::string::npos) {
        project_path = hint;
        project_name = last_component(hint);
    } else {
        project_name = !hint.empty() ? hint : meta.project_hash;
    }
    std::int64_t start_ms = 0;
    if (auto parsed = detail::parse_iso8601_ms(meta.start_time)) start_ms = *parsed;

    // A message without a model (a synthetic record that took queued tokens)
    // gets the model of the call before it, else of the call after it.
    std::string fill = previous_model_;
    for (auto& e : events_) {
        if (!e.model.empty()) {
            fill = e.model;
        } else if (!fill.empty()) {
            e.model = fill;
            e.model_guessed = true;
        }
    }
    fill.clear();
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
        if (!it->model.empty()) {
            fill = it->model;
        } else if (!fill.empty()) {
            it->model = fill;
            it->model_guessed = true;
        }
    }

    const std::string prefix = "gemini-cli:" + own_session + ":";
    for (auto& e : events_) {
        e.id.insert(0, prefix);
        e.source = "gemini-cli";
        e.session_id = session;
        if (subagent) e.parent_session_id = session;
        e.provider = "google";
        e.surface = "cli";
        e.project_name = project_name;
        e.project_path = project_path;
        if (e.timestamp_ms == 0) e.timestamp_ms = start_ms;
    }
    index_.clear();
    return std::move(events_);
}

}  // namespace usage::plugins::gemini
