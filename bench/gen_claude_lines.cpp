// gen_claude_lines.cpp — line rendering for bench_gen_claude_tree.
//
// Line shapes follow real Claude Code 1.0.x-2.1.x transcripts (field names and
// nesting), including the places where a usage object appears on a line that
// must not be counted: toolUseResult.usage on Task results, usage nested in
// progress lines, and usage-looking text inside escaped strings.
#include "gen_claude_lines.hpp"

#include <algorithm>

namespace bench {

namespace {

const char* const kSubagentTypes[] = {"Explore", "general-purpose", "Plan", "code-reviewer"};

}  // namespace

void append_usage_json(std::string& out, const TokenUsage& usage, std::uint64_t output_tokens) {
    out += "{\"input_tokens\":";
    append_uint(out, usage.input);
    out += ",\"cache_creation_input_tokens\":";
    append_uint(out, usage.cache_write_5m + usage.cache_write_1h);
    out += ",\"cache_read_input_tokens\":";
    append_uint(out, usage.cache_read);
    if (usage.split_cache_creation) {
        out += ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":";
        append_uint(out, usage.cache_write_5m);
        out += ",\"ephemeral_1h_input_tokens\":";
        append_uint(out, usage.cache_write_1h);
        out += '}';
    }
    out += ",\"output_tokens\":";
    append_uint(out, output_tokens);
    out += ",\"service_tier\":\"standard\"}";
}

LineRenderer::LineRenderer(const FillerText& filler, Rng& rng) : filler_(filler), rng_(rng) {}

void LineRenderer::open_conversational(std::string& out, const TranscriptIdentity& who, const LineHeader& at) {
    out += "{\"parentUuid\":";
    if (at.parent_uuid.empty()) {
        out += "null";
    } else {
        out += '"';
        out += at.parent_uuid;
        out += '"';
    }
    out += who.is_sidechain ? ",\"isSidechain\":true" : ",\"isSidechain\":false";
    out += ",\"userType\":\"external\",\"cwd\":\"";
    out += who.cwd;
    out += "\",\"sessionId\":\"";
    out += who.session_id;
    out += "\",\"version\":\"";
    out += who.version;
    out += "\",\"gitBranch\":\"";
    out += who.git_branch;
    out += '"';
    if (!who.agent_id.empty()) {
        out += ",\"agentId\":\"";
        out += who.agent_id;
        out += '"';
    }
}

void LineRenderer::close_conversational(std::string& out, const char* type, const LineHeader& at) {
    out += ",\"type\":\"";
    out += type;
    out += "\",\"uuid\":\"";
    out += at.uuid;
    out += "\",\"timestamp\":\"";
    append_iso_timestamp(out, at.unix_ms);
    out += "\"}";
}

void LineRenderer::user_prompt(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                               std::size_t text_bytes) {
    open_conversational(out, who, at);
    out += ",\"message\":{\"role\":\"user\",\"content\":\"";
    filler_.append(out, rng_, text_bytes);
    out += "\"}";
    close_conversational(out, "user", at);
}

void LineRenderer::user_literal_prompt(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                                       const char* escaped_text) {
    open_conversational(out, who, at);
    out += ",\"message\":{\"role\":\"user\",\"content\":\"";
    out += escaped_text;
    out += "\"}";
    close_conversational(out, "user", at);
}

void LineRenderer::tool_result(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                               const ContentBlock& tool_use, std::size_t bytes) {
    const bool mirrored = rng_.chance(0.5);
    const std::size_t content_bytes = mirrored ? bytes / 2 : bytes;
    open_conversational(out, who, at);
    out += ",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"";
    out += tool_use.tool_id;
    if (rng_.chance(0.3)) {
        out += "\",\"type\":\"tool_result\",\"content\":[{\"type\":\"text\",\"text\":\"";
        filler_.append(out, rng_, content_bytes);
        out += "\"}]";
    } else {
        out += "\",\"type\":\"tool_result\",\"content\":\"";
        filler_.append(out, rng_, content_bytes);
        out += '"';
    }
    if (rng_.chance(0.04)) out += ",\"is_error\":true";
    out += "}]}";
    if (mirrored && tool_use.tool_name == "Read") {
        out += ",\"toolUseResult\":{\"type\":\"text\",\"file\":{\"filePath\":\"";
        out += who.cwd;
        out += "/src/usage/report.cpp\",\"content\":\"";
        filler_.append(out, rng_, bytes - content_bytes);
        out += "\",\"numLines\":120,\"startLine\":1,\"totalLines\":120}}";
    } else if (mirrored) {
        out += ",\"toolUseResult\":{\"stdout\":\"";
        filler_.append(out, rng_, bytes - content_bytes);
        out += "\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false}";
    }
    close_conversational(out, "user", at);
}

void LineRenderer::task_result(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                               const std::string& tool_use_id, const std::string& agent_id, const TokenUsage& reported,
                               std::size_t text_bytes) {
    open_conversational(out, who, at);
    out += ",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"";
    out += tool_use_id;
    out += "\",\"type\":\"tool_result\",\"content\":[{\"type\":\"text\",\"text\":\"";
    filler_.append(out, rng_, text_bytes);
    out += "\"}]}]},\"toolUseResult\":{\"status\":\"completed\",\"prompt\":\"";
    filler_.append(out, rng_, 200);
    out += "\",\"agentId\":\"";
    out += agent_id;
    out += "\",\"content\":[{\"type\":\"text\",\"text\":\"";
    filler_.append(out, rng_, 300);
    out += "\"}],\"totalDurationMs\":";
    append_uint(out, rng_.between(4000, 400000));
    out += ",\"totalTokens\":";
    append_uint(out, reported.input + reported.output + reported.cache_read + reported.cache_write_5m +
                         reported.cache_write_1h);
    out += ",\"totalToolUseCount\":";
    append_uint(out, rng_.between(1, 40));
    out += ",\"usage\":";
    append_usage_json(out, reported, reported.output);
    out += '}';
    close_conversational(out, "user", at);
}

void LineRenderer::tool_input_json(std::string& out, const ContentBlock& block) {
    const std::string& name = block.tool_name;
    if (name == "Bash") {
        out += "{\"command\":\"";
        filler_.append(out, rng_, std::min<std::size_t>(block.text_bytes, 300));
        out += "\",\"description\":\"Run the build and show token usage\"}";
    } else if (name == "Edit") {
        out += "{\"file_path\":\"src/core/usage_store.cpp\",\"old_string\":\"";
        filler_.append(out, rng_, block.text_bytes / 2);
        out += "\",\"new_string\":\"";
        filler_.append(out, rng_, block.text_bytes / 2);
        out += "\"}";
    } else if (name == "Write") {
        out += "{\"file_path\":\"docs/notes.md\",\"content\":\"";
        filler_.append(out, rng_, block.text_bytes);
        out += "\"}";
    } else if (name == "Task") {
        out += "{\"subagent_type\":\"";
        out += block.subagent_type;
        out += "\",\"description\":\"Explore the codebase\",\"prompt\":\"";
        filler_.append(out, rng_, block.text_bytes);
        out += "\"}";
    } else if (name == "Grep") {
        out += "{\"pattern\":\"\\\"usage\\\":\",\"path\":\"src\",\"output_mode\":\"content\"}";
    } else if (name == "Glob") {
        out += "{\"pattern\":\"src/**/*.{ts,tsx}\"}";
    } else if (name == "TodoWrite") {
        out += "{\"todos\":[{\"content\":\"";
        filler_.append(out, rng_, std::min<std::size_t>(block.text_bytes, 400));
        out += "\",\"status\":\"in_progress\",\"activeForm\":\"Working\"}]}";
    } else {  // Read and anything else
        out += "{\"file_path\":\"src/parser/line_";
        append_uint(out, block.text_bytes);
        out += ".cpp\",\"limit\":2000}";
    }
}

void LineRenderer::block_json(std::string& out, const ContentBlock& block) {
    switch (block.kind) {
        case BlockKind::Thinking:
            out += "{\"type\":\"thinking\",\"thinking\":\"";
            filler_.append(out, rng_, block.text_bytes);
            out += "\",\"signature\":\"";
            out += random_base62(rng_, 160);
            out += "\"}";
            break;
        case BlockKind::Text:
            out += "{\"type\":\"text\",\"text\":\"";
            filler_.append(out, rng_, block.text_bytes);
            out += "\"}";
            break;
        case BlockKind::ToolUse:
            out += "{\"type\":\"tool_use\",\"id\":\"";
            out += block.tool_id;
            out += "\",\"name\":\"";
            out += block.tool_name;
            out += "\",\"input\":";
            tool_input_json(out, block);
            out += '}';
            break;
    }
}

void LineRenderer::message_json(std::string& out, const AssistantMessage& message, std::size_t block_index,
                                std::uint64_t output_tokens) {
    out += "{\"model\":\"";
    out += message.model;
    out += "\",\"id\":\"";
    out += message.id;
    out += "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[";
    block_json(out, message.blocks[block_index]);
    out += "],\"stop_reason\":";
    if (block_index + 1 < message.blocks.size()) {
        out += "null";
    } else {
        out += message.blocks.back().kind == BlockKind::ToolUse ? "\"tool_use\"" : "\"end_turn\"";
    }
    out += ",\"stop_sequence\":null,\"usage\":";
    append_usage_json(out, message.usage, output_tokens);
    out += '}';
}

void LineRenderer::assistant_block(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                                   const AssistantMessage& message, std::size_t block_index,
                                   std::uint64_t output_tokens) {
    open_conversational(out, who, at);
    out += ",\"message\":";
    message_json(out, message, block_index, output_tokens);
    if (!message.request_id.empty()) {
        out += ",\"requestId\":\"";
        out += message.request_id;
        out += '"';
    }
    close_conversational(out, "assistant", at);
}

void LineRenderer::synthetic_assistant(std::string& out, const TranscriptIdentity& who, const LineHeader& at) {
    const bool api_error = rng_.chance(0.5);
    open_conversational(out, who, at);
    out += ",\"message\":{\"id\":\"";
    out += random_uuid(rng_);
    out +=
        "\",\"container\":null,\"model\":\"<synthetic>\",\"role\":\"assistant\","
        "\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"\",\"type\":\"message\","
        "\"usage\":{\"input_tokens\":0,\"output_tokens\":0,\"cache_creation_input_tokens\":0,"
        "\"cache_read_input_tokens\":0,\"server_tool_use\":{\"web_search_requests\":0},"
        "\"service_tier\":null,\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,"
        "\"ephemeral_5m_input_tokens\":0}},\"content\":[{\"type\":\"text\",\"text\":\"";
    out += api_error ? "API Error: Request was aborted." : "No response requested.";
    out += "\"}]},\"isApiErrorMessage\":";
    out += api_error ? "true" : "false";
    close_conversational(out, "assistant", at);
}

void LineRenderer::summary(std::string& out, const std::string& leaf_uuid) {
    out += "{\"type\":\"summary\",\"summary\":\"";
    filler_.append(out, rng_, rng_.between(30, 90));
    out += "\",\"leafUuid\":\"";
    out += leaf_uuid;
    out += "\"}";
}

void LineRenderer::file_history_snapshot(std::string& out, const std::string& message_uuid, std::int64_t unix_ms,
                                         std::size_t bytes) {
    const std::size_t start = out.size();
    out += "{\"type\":\"file-history-snapshot\",\"messageId\":\"";
    out += message_uuid;
    out += "\",\"snapshot\":{\"messageId\":\"";
    out += message_uuid;
    out += "\",\"trackedFileBackups\":{";
    // Big snapshots are wide objects (thousands of keys), not long strings:
    // a different parser workload from tool results.
    for (std::uint64_t index = 0; out.size() - start + 200 < bytes; ++index) {
        if (index > 0) out += ',';
        out += "\"src/module_";
        append_uint(out, index / 40);
        out += "/file_";
        append_uint(out, index);
        out += ".ts\":{\"backupFileName\":\"";
        out += random_hex(rng_, 16);
        const std::uint64_t version = rng_.between(1, 9);
        out += "@v";
        append_uint(out, version);
        out += "\",\"version\":";
        append_uint(out, version);
        out += ",\"backupTime\":\"";
        append_iso_timestamp(out, unix_ms - static_cast<std::int64_t>(rng_.below(3600000)));
        out += "\"}";
    }
    out += "},\"timestamp\":\"";
    append_iso_timestamp(out, unix_ms);
    out += rng_.chance(0.3) ? "\"},\"isSnapshotUpdate\":true}" : "\"},\"isSnapshotUpdate\":false}";
}

void LineRenderer::hook_progress(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                                 const std::string& tool_use_id) {
    open_conversational(out, who, at);
    out +=
        ",\"data\":{\"type\":\"hook_progress\",\"hookEvent\":\"PostToolUse\",\"hookName\":"
        "\"PostToolUse:Bash\",\"command\":\"npx prettier --write\"},\"parentToolUseID\":\"";
    out += tool_use_id;
    out += "\",\"toolUseID\":\"";
    out += tool_use_id;
    out += '"';
    close_conversational(out, "progress", at);
}

void LineRenderer::agent_progress(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                                  const std::string& tool_use_id, const std::string& agent_id,
                                  const AssistantMessage& nested) {
    open_conversational(out, who, at);
    out += ",\"data\":{\"type\":\"agent_progress\",\"agentId\":\"";
    out += agent_id;
    out += "\",\"prompt\":\"\",\"message\":{\"type\":\"assistant\",\"message\":";
    message_json(out, nested, 0, nested.usage.output);
    if (!nested.request_id.empty()) {
        out += ",\"requestId\":\"";
        out += nested.request_id;
        out += '"';
    }
    out += ",\"uuid\":\"";
    out += random_uuid(rng_);
    out += "\",\"timestamp\":\"";
    append_iso_timestamp(out, at.unix_ms - 500);
    out += "\"},\"normalizedMessages\":[]},\"toolUseID\":\"agent_msg_";
    out += random_base62(rng_, 24);
    out += "\",\"parentToolUseID\":\"";
    out += tool_use_id;
    out += '"';
    close_conversational(out, "progress", at);
}

void LineRenderer::system_line(std::string& out, const TranscriptIdentity& who, const LineHeader& at,
                               bool compact_boundary) {
    open_conversational(out, who, at);
    if (compact_boundary) {
        out +=
            ",\"subtype\":\"compact_boundary\",\"content\":\"Conversation compacted\","
            "\"isMeta\":false,\"level\":\"info\",\"compactMetadata\":{\"trigger\":\"auto\","
            "\"preTokens\":";
        append_uint(out, rng_.between(150000, 190000));
        out += '}';
    } else {
        out +=
            ",\"subtype\":\"local_command\",\"content\":\"<command-name>/usage</command-name>\","
            "\"isMeta\":false,\"level\":\"info\"";
    }
    close_conversational(out, "system", at);
}

void LineRenderer::queue_operation(std::string& out, const std::string& session_id, std::int64_t unix_ms,
                                   bool enqueue) {
    out += enqueue ? "{\"type\":\"queue-operation\",\"operation\":\"enqueue\",\"timestamp\":\""
                   : "{\"type\":\"queue-operation\",\"operation\":\"dequeue\",\"timestamp\":\"";
    append_iso_timestamp(out, unix_ms);
    out += "\",\"sessionId\":\"";
    out += session_id;
    out += '"';
    if (enqueue) {
        out += ",\"content\":\"";
        filler_.append(out, rng_, rng_.between(20, 300));
        out += '"';
    }
    out += '}';
}

void LineRenderer::journal_entry(std::string& out, const std::string& agent_id, const AssistantMessage& message,
                                 std::int64_t unix_ms) {
    out += "{\"type\":\"assistant\",\"agentId\":\"";
    out += agent_id;
    out += "\",\"timestamp\":\"";
    append_iso_timestamp(out, unix_ms);
    out += "\",\"message\":";
    message_json(out, message, 0, message.usage.output);
    if (!message.request_id.empty()) {
        out += ",\"requestId\":\"";
        out += message.request_id;
        out += '"';
    }
    out += '}';
}

const char* subagent_type_for(Rng& rng) {
    return kSubagentTypes[rng.below(sizeof kSubagentTypes / sizeof kSubagentTypes[0])];
}

}  // namespace bench
