#include "qwen_call_linker.hpp"

#include <charconv>
#include <vector>

namespace usage::plugins::qwen {
namespace {

// The state is one line per field; uuids and response ids hold no newline
// (a response id that did would only fail to match a later repeat).
constexpr std::string_view kStateVersion = "qwen-link-1";

std::vector<std::string_view> split_lines(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        const auto nl = s.find('\n');
        out.push_back(s.substr(0, nl));
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
    }
    return out;
}

std::int64_t number_of(std::string_view s) {
    std::int64_t n = 0;
    std::from_chars(s.data(), s.data() + s.size(), n);
    return n;
}

}  // namespace

std::string own_key(const QwenRecord& rec, std::uint64_t line_offset) {
    std::string key(rec.forked_uuid.empty() ? rec.session_id : rec.forked_session);
    key += ':';
    const std::string_view uuid = rec.forked_uuid.empty() ? rec.uuid : rec.forked_uuid;
    if (uuid.empty())
        key.append("@").append(std::to_string(line_offset));  // append-only: the offset is stable
    else
        key.append(uuid);
    return key;
}

CallLinker::CallLinker(std::string_view state) {
    const auto f = split_lines(state);
    if (f.size() != 9 || f[0] != kStateVersion) return;  // no pending call (or a state of another version)
    pending_key_ = f[1];
    pending_last_ = f[2];
    pending_response_ = f[3];
    pending_usage_ = {number_of(f[4]), number_of(f[5]), number_of(f[6]), number_of(f[7]), number_of(f[8])};
}

std::string CallLinker::state() const {
    if (pending_key_.empty()) return {};
    std::string s(kStateVersion);
    for (std::string_view part :
         {std::string_view(pending_key_), std::string_view(pending_last_), std::string_view(pending_response_)})
        s.append("\n").append(part);
    for (std::int64_t n : {pending_usage_.prompt, pending_usage_.candidates, pending_usage_.thoughts,
                           pending_usage_.cached, pending_usage_.total})
        s.append("\n").append(std::to_string(n));
    return s;
}

std::string CallLinker::key_of(const QwenRecord& rec, std::uint64_t line_offset) {
    if (rec.kind == RecordKind::telemetry) {
        // Another copy of the pending call's telemetry (streaming repeats).
        // A response id alone is not unique (mock and proxy servers reuse
        // one): only a repeat before the call's assistant record counts as
        // the same call.
        if (!pending_key_.empty() && !rec.response_id.empty() && rec.response_id == pending_response_) {
            pending_last_.assign(rec.uuid);
            pending_usage_ = rec.usage;
            return pending_key_;
        }
        pending_key_ = own_key(rec, line_offset);
        pending_last_.assign(rec.uuid);
        pending_response_.assign(rec.response_id);
        pending_usage_ = rec.usage;
        return pending_key_;
    }
    // An assistant record mirrors the pending telemetry when it is chained to
    // it, or (a writer that put a record between them) carries its figures.
    const bool chained = !rec.parent_uuid.empty() && rec.parent_uuid == pending_last_;
    const bool same_figures = rec.has_usage && rec.usage == pending_usage_;
    if (!pending_key_.empty() && (chained || same_figures)) {
        std::string key = std::move(pending_key_);
        pending_key_.clear();
        pending_last_.clear();
        pending_response_.clear();
        pending_usage_ = {};
        return key;
    }
    return own_key(rec, line_offset);
}

}  // namespace usage::plugins::qwen
