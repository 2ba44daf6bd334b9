// The Qwen Code source plugin: discovery + incremental scan of the
// append-only `<sessionId>.jsonl` chat files. Each model call is written
// twice (telemetry, then the assistant record): CallLinker gives both copies
// one id, so either copy alone counts the call and both together count it
// once.
#include <simdjson.h>

#include <string>
#include <unordered_map>

#include "qwen_call_linker.hpp"
#include "qwen_discovery.hpp"
#include "qwen_record_parser.hpp"
#include "usage/scan/jsonl_reader.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

std::string last_component(std::string_view path) {
    while (path.size() > 1 && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

UsageEvent make_event(const qwen::QwenRecord& rec, std::string_view key, const SourceFile& file) {
    UsageEvent e;
    e.id.append("qwen-code:").append(key);
    e.source = "qwen-code";
    e.session_id = rec.session_id.empty() ? file.session_hint : std::string(rec.session_id);
    e.model.assign(rec.model);
    // Qwen OAuth is the only sign of the provider; other auth types name a
    // protocol (openai, anthropic, gemini), not who served the model.
    if (rec.auth_type == "qwen-oauth") e.provider = "qwen";
    if (!rec.cwd.empty()) {
        e.project_path.assign(rec.cwd);
        e.project_name = last_component(rec.cwd);
    } else {
        e.project_name = file.project_hint;
    }
    e.git_branch.assign(rec.git_branch);
    e.surface = rec.sidechain ? "subagent" : "cli";
    e.timestamp_ms = rec.timestamp_ms;
    e.tokens = rec.usage.counts();
    return e;
}

class QwenCodePlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "qwen-code"; }
    std::string_view description() const override {
        return "Qwen Code chats (~/.qwen/projects/*/chats, $QWEN_RUNTIME_DIR, $QWEN_HOME, $QWEN_DATA_DIR)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return qwen::qwen_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override {
        return {"QWEN_RUNTIME_DIR", "QWEN_HOME", "QWEN_DATA_DIR"};
    }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".qwen"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return qwen::discover_qwen_files(roots);
    }
    // The scan's state is the telemetry call still waiting for its assistant
    // record (CallLinker), so an append that splits the pair keeps one id.
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        ScanResult result;
        simdjson::ondemand::parser parser;
        qwen::CallLinker linker(start.offset == 0 ? std::string_view() : std::string_view(start.state));
        std::unordered_map<std::string, std::size_t> index;
        qwen::QwenRecord rec;
        // Both records of a call carry a `"model":` key (top level, or in
        // the telemetry event); user lines, tool results and most telemetry
        // do not, and are skipped by the reader's byte search unparsed.
        auto read = read_jsonl_matches(
            file.path, start.offset, "\"model\":", [&](char* line, std::size_t size, std::uint64_t at) {
                if (qwen::parse_qwen_line(parser, line, size, size + kJsonlPadding, rec) ==
                    qwen::LineOutcome::malformed) {
                    ++result.malformed_lines;
                    return;
                }
                if (rec.kind == qwen::RecordKind::other) return;
                const std::string key = linker.key_of(rec, at);
                if (!rec.has_usage) return;  // an assistant record whose usage only the telemetry holds
                if (rec.bad.found()) {
                    result.invalid.add(RecordPlace::at_offset(at), rec.bad.field, rec.bad.value, rec.bad.rule);
                    return;
                }
                UsageEvent e = make_event(rec, key, file);
                if (e.tokens.total() == 0) return;  // no tokens reported: nothing was billed
                if (auto it = index.find(e.id); it != index.end()) {
                    result.events[it->second].merge(e);
                    return;
                }
                index.emplace(e.id, result.events.size());
                result.events.push_back(std::move(e));
            });
        result.state = linker.state();
        result.offset = read.end_offset;
        result.bytes_read = read.bytes_read;
        return result;
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_qwen_code_plugin() {
    return std::make_unique<QwenCodePlugin>();
}

}  // namespace usage::plugins
