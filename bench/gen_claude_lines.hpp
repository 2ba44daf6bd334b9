// gen_claude_lines.hpp — renders single Claude Code transcript lines for the
// benchmark corpus generator (bench_gen_claude_tree).
//
// Everything here is deterministic given the Rng, so a seed reproduces a
// corpus. Text payloads come from FillerText, which is pre-escaped JSON string
// content, so rendering is plain appends with no escaping on the hot path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gen_claude_text.hpp"

namespace bench {

struct TokenUsage {
    std::uint64_t input = 0;
    std::uint64_t output = 0;  // final count (the last streamed copy)
    std::uint64_t cache_read = 0;
    std::uint64_t cache_write_5m = 0;
    std::uint64_t cache_write_1h = 0;
    // false: older lines with only cache_creation_input_tokens (all 5m).
    bool split_cache_creation = true;
};

// Fields repeated on every conversational line of one transcript file.
struct TranscriptIdentity {
    std::string session_id;
    std::string cwd;
    std::string version;
    std::string git_branch;
    std::string agent_id;  // empty in main transcripts
    bool is_sidechain = false;
};

struct LineHeader {
    std::string uuid;
    std::string parent_uuid;  // empty renders as null
    std::int64_t unix_ms = 0;
};

enum class BlockKind { Thinking, Text, ToolUse };

struct ContentBlock {
    BlockKind kind = BlockKind::Text;
    std::size_t text_bytes = 0;  // thinking/text length, or tool input payload length
    std::string tool_id;
    std::string tool_name;
    std::string subagent_type;  // Task only
};

struct AssistantMessage {
    std::string id;
    std::string request_id;  // empty: Bedrock/Vertex style, no requestId field
    std::string model;
    TokenUsage usage;
    std::vector<ContentBlock> blocks;
};

class LineRenderer {
public:
    LineRenderer(const FillerText& filler, Rng& rng);

    void user_prompt(std::string& out, const TranscriptIdentity& who, const LineHeader& at, std::size_t text_bytes);
    // A prompt given verbatim (must already be valid JSON string content).
    void user_literal_prompt(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                             const char* escaped_text);
    // Tool output; about half the time Claude Code also mirrors it into
    // toolUseResult, so `bytes` is split between the two copies.
    void tool_result(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                     const ContentBlock& tool_use, std::size_t bytes);
    // Task results carry toolUseResult.usage: a usage object on a USER line
    // that must never be counted.
    void task_result(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                     const std::string& tool_use_id, const std::string& agent_id, const TokenUsage& reported,
                     std::size_t text_bytes);
    void assistant_block(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                         const AssistantMessage& message, std::size_t block_index, std::uint64_t output_tokens);
    void synthetic_assistant(std::string& out, const TranscriptIdentity& who, const LineHeader& at);
    void summary(std::string& out, const std::string& leaf_uuid);
    void file_history_snapshot(std::string& out, const std::string& message_uuid, std::int64_t unix_ms,
                               std::size_t bytes);
    void hook_progress(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                       const std::string& tool_use_id);
    // 2.1.x progress lines embed a subagent's assistant message (usage
    // included) two levels deep; only top-level assistant lines count.
    void agent_progress(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                        const std::string& tool_use_id, const std::string& agent_id, const AssistantMessage& nested);
    void system_line(std::string& out, const TranscriptIdentity& who, const LineHeader& at, bool compact_boundary);
    void queue_operation(std::string& out, const std::string& session_id, std::int64_t unix_ms, bool enqueue);
    // subagents/journal.jsonl content: assistant-shaped, but not a transcript.
    void journal_entry(std::string& out, const std::string& agent_id, const AssistantMessage& message,
                       std::int64_t unix_ms);

private:
    void open_conversational(std::string& out, const TranscriptIdentity& who, const LineHeader& at);
    void close_conversational(std::string& out, const char* type, const LineHeader& at);
    void message_json(std::string& out, const AssistantMessage& message, std::size_t block_index,
                      std::uint64_t output_tokens);
    void block_json(std::string& out, const ContentBlock& block);
    void tool_input_json(std::string& out, const ContentBlock& block);

    const FillerText& filler_;
    Rng& rng_;
};

// A Task subagent_type ("Explore", "general-purpose", ...).
const char* subagent_type_for(Rng& rng);

void append_usage_json(std::string& out, const TokenUsage& usage, std::uint64_t output_tokens);

}  // namespace bench
