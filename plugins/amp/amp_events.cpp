#include "amp_events.hpp"

#include <unordered_map>

#include "usage/scan/iso_time.hpp"

namespace usage::plugins::amp {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string last_component(std::string_view path) {
    while (path.size() > 1 && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Amp routes to several vendors; the model id says which.
std::string provider_of(std::string_view model) {
    if (model.starts_with("claude")) return "anthropic";
    if (model.starts_with("gpt") || model.starts_with("o3") || model.starts_with("o4")) return "openai";
    if (model.starts_with("gemini")) return "google";
    if (model.starts_with("grok")) return "xai";
    return {};
}

struct ThreadInfo {
    std::string id, project_path, project_name;
    std::int64_t created_ms = 0;
};

UsageEvent base_event(const ThreadInfo& t, std::string_view key, std::string_view model, std::string_view timestamp) {
    UsageEvent e;
    e.id.append("amp:").append(t.id).append(":").append(key);
    e.source = "amp";
    e.session_id = t.id;
    e.model.assign(model);
    e.provider = provider_of(model);
    e.project_path = t.project_path;
    e.project_name = t.project_name;
    // A usage object without its own time (older files) is dated by its thread.
    e.timestamp_ms = detail::parse_iso8601_ms(timestamp).value_or(t.created_ms);
    return e;
}

void add_invalid(ScanResult& result, const AmpBadNumber& bad) {
    result.invalid.add(RecordPlace::at_offset(bad.offset), bad.field, bad.value, bad.rule);
}

void keep(ScanResult& result, UsageEvent e) {
    if (e.tokens.total() == 0) return;  // nothing billed
    result.events.push_back(std::move(e));
}

}  // namespace

std::string path_of_file_uri(std::string_view uri) {
    constexpr std::string_view scheme = "file://";
    if (!uri.starts_with(scheme)) return {};
    uri.remove_prefix(scheme.size());
    if (const auto slash = uri.find('/'); slash != std::string_view::npos)
        uri.remove_prefix(slash);  // an authority (`file://host/...`): the path starts at its slash
    else
        return {};
    std::string out;
    out.reserve(uri.size());
    for (std::size_t i = 0; i < uri.size(); ++i) {
        if (uri[i] == '%' && i + 2 < uri.size()) {
            const int hi = hex_value(uri[i + 1]), lo = hex_value(uri[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(uri[i]);
    }
    // `file:///c:/Users/...`: a Windows drive path keeps no leading slash.
    if (out.size() >= 3 && out[0] == '/' && out[2] == ':') out.erase(0, 1);
    return out;
}

void collect_amp_events(const AmpThread& thread, const SourceFile& file, ScanResult& result) {
    ThreadInfo t;
    t.id = thread.id.empty() ? file.path.stem().string() : thread.id;
    t.created_ms = thread.created_ms;
    t.project_path = path_of_file_uri(thread.first_tree_uri);
    t.project_name = t.project_path.empty() ? std::string() : last_component(t.project_path);

    if (thread.has_ledger) {
        // The ledger lists every billed operation; the assistant message it
        // produced holds the cache figures the ledger leaves out.
        std::unordered_map<std::string_view, const AmpMessageUsage*> by_message;
        for (const auto& m : thread.messages)
            if (m.usage && m.role == "assistant") by_message.emplace(m.message_id, &*m.usage);
        for (const auto& le : thread.ledger) {
            if (le.bad.found()) {
                add_invalid(result, le.bad);
                continue;
            }
            const AmpMessageUsage* u = nullptr;
            if (auto it = by_message.find(le.to_message_id); !le.to_message_id.empty() && it != by_message.end())
                u = it->second;
            if (u && u->bad.found()) {
                add_invalid(result, u->bad);
                continue;
            }
            UsageEvent e = base_event(t, le.id, le.model.empty() && u ? u->model : le.model, le.timestamp);
            e.tokens.input = le.input;
            e.tokens.output = le.output;
            if (u) {
                e.tokens.cache_read = u->cache_read;
                e.tokens.cache_write_5m = u->cache_write;
            }
            keep(result, std::move(e));
        }
        return;
    }
    for (std::size_t i = 0; i < thread.messages.size(); ++i) {
        const AmpMessage& m = thread.messages[i];
        if (!m.usage) continue;
        const AmpMessageUsage& u = *m.usage;
        if (u.bad.found()) {
            add_invalid(result, u.bad);
            continue;
        }
        // Every known file numbers its messages; a message without a number
        // is named by its place, which a rewrite that only appends keeps.
        // Built by append: GCC 12 -O3 warns on "#" + string (-Wrestrict).
        std::string key = m.message_id;
        if (key.empty()) key.append(1, '#').append(std::to_string(i));
        UsageEvent e = base_event(t, key, u.model, u.timestamp);
        e.tokens.input = u.input;
        e.tokens.output = u.output;
        e.tokens.cache_read = u.cache_read;
        e.tokens.cache_write_5m = u.cache_write;  // Anthropic's default 5-minute cache
        keep(result, std::move(e));
    }
}

}  // namespace usage::plugins::amp
