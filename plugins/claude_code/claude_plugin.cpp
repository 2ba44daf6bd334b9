// The Claude Code source plugin: discovery + incremental scan of JSONL
// transcripts. Copies of one response inside a file are merged here; copies
// across files merge in the store by id.
#include <simdjson.h>

#include <unordered_map>

#include "claude_discovery.hpp"
#include "claude_line_parser.hpp"
#include "usage/scan/jsonl_reader.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

class ClaudeCodePlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "claude-code"; }
    std::string_view description() const override {
        return "Claude Code transcripts (~/.claude/projects, ~/.config/claude/projects, $CLAUDE_CONFIG_DIR)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return claude::claude_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override { return {"CLAUDE_CONFIG_DIR"}; }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".claude" / "projects", windows_home / ".config" / "claude" / "projects"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return claude::discover_claude_files(roots);
    }
    // The scan's state is the model of the file's last answered call: a
    // failed call names none (`<synthetic>`), and is the session's attempt
    // to call the model it called last.
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        ScanResult result;
        result.state = start.state;
        simdjson::ondemand::parser parser;
        std::unordered_map<std::string, std::size_t> index;
        claude::ClaudeCall call;
        detail::BadNumber bad;
        std::string id;  // reused: most lines are copies of a call already seen
        // Only assistant lines carry `"usage"` as a key; everything else
        // (multi-MB tool results, snapshots) is rejected by the reader's
        // byte-level search before any JSON parsing.
        auto read = read_jsonl_matches(
            file.path, start.offset, "\"usage\"", [&](char* line, std::size_t size, std::uint64_t at) {
                switch (claude::parse_claude_line(parser, line, size, size + kJsonlPadding, call, bad)) {
                    case claude::LineOutcome::malformed: ++result.malformed_lines; return;
                    case claude::LineOutcome::invalid:
                        // Only this copy is skipped: other copies of the call still count.
                        result.invalid.add(RecordPlace::at_offset(at), bad.field, bad.value, bad.rule);
                        bad = {};
                        return;
                    case claude::LineOutcome::skipped: return;
                    case claude::LineOutcome::failure: {
                        id.clear();
                        call.append_id(id);
                        if (!index.emplace(id, result.events.size()).second) return;  // a copy
                        call.model = result.state;  // its provider follows from it too
                        UsageEvent failed = claude::make_claude_event(call, file);
                        failed.model_guessed = true;
                        result.events.push_back(std::move(failed));
                        return;
                    }
                    case claude::LineOutcome::event: break;
                }
                if (!call.model.empty()) result.state.assign(call.model);
                id.clear();
                call.append_id(id);
                if (auto it = index.find(id); it != index.end()) {
                    claude::merge_claude_copy(result.events[it->second], call);
                    return;
                }
                index.emplace(id, result.events.size());
                result.events.push_back(claude::make_claude_event(call, file));
            });
        result.offset = read.end_offset;
        result.bytes_read = read.bytes_read;
        return result;
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_claude_code_plugin() {
    return std::make_unique<ClaudeCodePlugin>();
}

}  // namespace usage::plugins
