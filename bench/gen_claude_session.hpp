// gen_claude_session.hpp — writes whole transcript files (conversation flow,
// streaming copies, token bookkeeping) for bench_gen_claude_tree.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "gen_claude_lines.hpp"

namespace bench {

// What a correct counter must report. Every distinct message is added exactly
// once, with its final counts, when it is first generated; copies (streaming
// blocks, resumed prefixes, progress embeds) never add, which is what
// "dedup by (message.id, requestId), merging copies" yields.
struct ExpectedTotals {
    std::uint64_t events = 0;
    std::uint64_t input = 0;
    std::uint64_t output = 0;
    std::uint64_t cache_read = 0;
    std::uint64_t cache_write_5m = 0;
    std::uint64_t cache_write_1h = 0;

    void add(const TokenUsage& usage);
    [[nodiscard]] std::uint64_t total() const;
};

enum class Layout {
    InlineSidechains,  // 1.0.x: subagent lines inside the main file
    FlatAgentFiles,    // 2.0.x: projects/<slug>/agent-<8hex>.jsonl
    NestedSubagents,   // 2.1.x: projects/<slug>/<session>/subagents/agent-*.jsonl
};

// Settings shared by every transcript file of one session.
struct SessionStyle {
    Layout layout = Layout::FlatAgentFiles;
    bool bedrock = false;  // msg_bdrk_ ids and no requestId
    std::string model;
    std::string subagent_model;
    int cache_ttl_mode = 1;         // 0: no cache_creation split, 1: split, all 5m, 2: split with 1h
    bool backfills_output = false;  // every copy already carries the final output count
    std::uint64_t max_line_bytes = 8u << 20;
    std::int64_t latest_ms = 0;  // "now": no timestamp may be later
};

// A subagent transcript already written, for the main file's Task calls.
struct SubagentRecord {
    std::string agent_id;
    std::vector<AssistantMessage> samples;  // embedded in 2.1.x progress lines
    TokenUsage last_usage;                  // reported in toolUseResult.usage
};

class TranscriptWriter {
public:
    TranscriptWriter(std::FILE* file, LineRenderer& renderer, Rng& rng, ExpectedTotals& totals,
                     const SessionStyle& style, TranscriptIdentity identity, std::int64_t start_ms);

    // Start of a resumed session: earlier lines of another session copied
    // verbatim (same message ids) except for the session id.
    void copy_resumed_lines(const std::string& lines, const std::string& old_session_id, const std::string& last_uuid);
    // Remembers the first lines written (a contiguous prefix) so a later
    // session can resume from them.
    void capture_prefix(std::string* lines, std::string* last_uuid, std::size_t max_lines, std::size_t max_bytes);

    void write_main_conversation(std::uint64_t budget, std::vector<SubagentRecord>& subagents);
    void write_subagent_conversation(std::uint64_t budget, bool warmup);
    // subagents/journal.jsonl: usage-bearing lines that must NOT be counted.
    void write_journal(std::size_t entries);

    [[nodiscard]] std::uint64_t bytes_written() const { return bytes_written_; }
    [[nodiscard]] SubagentRecord record() const;

private:
    void emit();
    LineHeader next_header(std::uint64_t min_gap_ms, std::uint64_t max_gap_ms);
    AssistantMessage make_message(bool allow_tools, bool allow_task);
    void write_response(const AssistantMessage& message);
    void write_round(bool allow_tools, std::vector<SubagentRecord>* subagents);
    void write_task_outputs(const ContentBlock& task, std::vector<SubagentRecord>* subagents);
    void write_inline_sidechain(const ContentBlock& task);
    void write_main_turn(std::vector<SubagentRecord>& subagents);
    std::size_t draw_payload_bytes();
    [[nodiscard]] bool over_budget() const { return bytes_written_ >= budget_; }

    std::FILE* file_;
    LineRenderer& renderer_;
    Rng& rng_;
    ExpectedTotals& totals_;
    const SessionStyle& style_;
    TranscriptIdentity identity_;
    std::string model_;
    std::int64_t clock_ms_;
    std::string last_uuid_;
    std::string line_;
    std::uint64_t bytes_written_ = 0;
    std::uint64_t budget_ = 0;
    // Prompt-cache model: what is cached, and what the next call will write.
    std::uint64_t cached_tokens_ = 0;
    std::uint64_t pending_tokens_ = 0;
    std::size_t next_subagent_ = 0;
    std::vector<AssistantMessage> samples_;
    TokenUsage last_usage_;

    std::string* capture_lines_ = nullptr;
    std::string* capture_last_uuid_ = nullptr;
    std::size_t capture_lines_left_ = 0;
    std::size_t capture_max_bytes_ = 0;
};

}  // namespace bench
