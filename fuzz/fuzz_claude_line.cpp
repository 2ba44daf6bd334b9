// Feeds Claude Code transcript lines (the input split at '\n') to
// parse_claude_line, then builds and merges events by id exactly as the
// plugin's scan does. Transcripts are whatever the tool (or a crash mid-write)
// left on disk, so every byte sequence must parse or be refused cleanly.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "claude_line_parser.hpp"
#include "fuzz_input.hpp"
#include "usage/scan/jsonl_reader.hpp"

using namespace usage;
namespace claude = usage::plugins::claude;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const SourceFile file{"/fuzz/project/session.jsonl", "subagent", "hint-session", "-fuzz-project", {}};
    simdjson::ondemand::parser parser;
    std::vector<UsageEvent> events;
    std::unordered_map<std::string, std::size_t> index;
    std::string last_model;
    fuzz::for_each_line(fuzz::as_text(data, size), 64, [&](std::string_view text) {
        // The JSONL reader promises kJsonlPadding bytes after a line, no more.
        fuzz::PaddedCopy line(text, kJsonlPadding);
        claude::ClaudeCall call;
        detail::BadNumber bad;
        const auto outcome = claude::parse_claude_line(parser, line.data(), line.size(), line.capacity(), call, bad);
        if (outcome == claude::LineOutcome::invalid && bad.at != nullptr) {
            // The plugin reports where the bad value sits: it must be inside the line.
            if (bad.at < line.data() || bad.at > line.data() + line.size()) __builtin_trap();
        }
        if (outcome != claude::LineOutcome::event && outcome != claude::LineOutcome::failure) return;
        // The plugin's bookkeeping: a failure takes the file's last model,
        // a copy of a known call merges into its event.
        if (outcome == claude::LineOutcome::failure)
            call.model = last_model;
        else if (!call.model.empty())
            last_model.assign(call.model);
        std::string id;
        call.append_id(id);
        if (auto it = index.find(id); it != index.end()) {
            if (outcome == claude::LineOutcome::event) claude::merge_claude_copy(events[it->second], call);
            return;
        }
        index.emplace(id, events.size());
        events.push_back(claude::make_claude_event(call, file));
    });
    return 0;
}
