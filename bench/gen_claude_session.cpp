// gen_claude_session.cpp — conversation flow and token bookkeeping for
// bench_gen_claude_tree. See gen_claude_session.hpp.
#include "gen_claude_session.hpp"

#include <algorithm>
#include <utility>

namespace bench {

namespace {

struct ToolChoice {
    const char* name;
    unsigned weight;
};

// Rough frequencies of tools in real sessions.
constexpr ToolChoice kTools[] = {{"Bash", 30}, {"Read", 30}, {"Edit", 14},     {"Grep", 8},
                                 {"Glob", 6},  {"Write", 5}, {"TodoWrite", 5}, {"WebFetch", 2}};

const char* pick_tool(Rng& rng) {
    unsigned sum = 0;
    for (const auto& tool : kTools) sum += tool.weight;
    auto roll = static_cast<unsigned>(rng.below(sum));
    for (const auto& tool : kTools) {
        if (roll < tool.weight) return tool.name;
        roll -= tool.weight;
    }
    return "Read";
}

std::size_t tool_input_bytes(Rng& rng, const std::string& name) {
    if (name == "Write" || name == "Edit") return rng.log_uniform(100, 6000);
    if (name == "Task") return rng.log_uniform(200, 2500);
    return rng.log_uniform(40, 300);
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

}  // namespace

void ExpectedTotals::add(const TokenUsage& usage) {
    ++events;
    input += usage.input;
    output += usage.output;
    cache_read += usage.cache_read;
    cache_write_5m += usage.cache_write_5m;
    cache_write_1h += usage.cache_write_1h;
}

std::uint64_t ExpectedTotals::total() const {
    return input + output + cache_read + cache_write_5m + cache_write_1h;
}

TranscriptWriter::TranscriptWriter(std::FILE* file, LineRenderer& renderer, Rng& rng, ExpectedTotals& totals,
                                   const SessionStyle& style, TranscriptIdentity identity, std::int64_t start_ms)
    : file_(file),
      renderer_(renderer),
      rng_(rng),
      totals_(totals),
      style_(style),
      identity_(std::move(identity)),
      model_(identity_.agent_id.empty() ? style.model : style.subagent_model),
      clock_ms_(start_ms) {
    line_.reserve(1u << 20);
}

void TranscriptWriter::emit() {
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), file_);
    bytes_written_ += line_.size();
    if (capture_lines_ != nullptr) {
        if (capture_lines_left_ > 0 && capture_lines_->size() + line_.size() <= capture_max_bytes_) {
            *capture_lines_ += line_;
            *capture_last_uuid_ = last_uuid_;
            --capture_lines_left_;
        } else {
            capture_lines_ = nullptr;  // the prefix must stay contiguous
        }
    }
    line_.clear();
}

LineHeader TranscriptWriter::next_header(std::uint64_t min_gap_ms, std::uint64_t max_gap_ms) {
    clock_ms_ = std::min(clock_ms_ + static_cast<std::int64_t>(rng_.between(min_gap_ms, max_gap_ms)), style_.latest_ms);
    LineHeader header{random_uuid(rng_), last_uuid_, clock_ms_};
    last_uuid_ = header.uuid;
    return header;
}

void TranscriptWriter::copy_resumed_lines(const std::string& lines, const std::string& old_session_id,
                                          const std::string& last_uuid) {
    std::string copied = lines;
    replace_all(copied, old_session_id, identity_.session_id);
    std::fwrite(copied.data(), 1, copied.size(), file_);
    bytes_written_ += copied.size();
    last_uuid_ = last_uuid;
}

void TranscriptWriter::capture_prefix(std::string* lines, std::string* last_uuid, std::size_t max_lines,
                                      std::size_t max_bytes) {
    capture_lines_ = lines;
    capture_last_uuid_ = last_uuid;
    capture_lines_left_ = max_lines;
    capture_max_bytes_ = max_bytes;
}

std::size_t TranscriptWriter::draw_payload_bytes() {
    // Most payloads are a few KB, some hundreds of KB, a few multi-MB: the
    // big ones dominate the bytes, the small ones dominate the line count.
    const double roll = rng_.unit();
    std::uint64_t bytes = roll < 0.88    ? rng_.log_uniform(150, 6000)
                          : roll < 0.997 ? rng_.log_uniform(6000, 300000)
                                         : rng_.log_uniform(300000, 8u << 20);
    const std::uint64_t room = budget_ > bytes_written_ ? budget_ - bytes_written_ : 0;
    bytes = std::min({bytes, std::max<std::uint64_t>(room, 400), style_.max_line_bytes});
    return static_cast<std::size_t>(bytes);
}

AssistantMessage TranscriptWriter::make_message(bool allow_tools, bool allow_task) {
    AssistantMessage message;
    message.id = (style_.bedrock ? "msg_bdrk_01" : "msg_01") + random_base62(rng_, 22);
    if (!style_.bedrock) message.request_id = "req_011C" + random_base62(rng_, 20);
    message.model = model_;
    if (rng_.chance(0.35)) {
        message.blocks.push_back({BlockKind::Thinking, rng_.log_uniform(100, 4000), {}, {}, {}});
    }
    if (!allow_tools || rng_.chance(0.6)) {
        const std::size_t bytes = rng_.chance(0.02) ? rng_.log_uniform(5000, 20000) : rng_.log_uniform(40, 2000);
        message.blocks.push_back({BlockKind::Text, bytes, {}, {}, {}});
    }
    if (allow_tools) {
        const std::size_t tools = rng_.chance(0.25) ? rng_.between(2, 3) : 1;
        const std::string tool_prefix = style_.bedrock ? "toolu_bdrk_01" : "toolu_01";
        for (std::size_t i = 0; i < tools && message.blocks.size() < 4; ++i) {
            ContentBlock block{BlockKind::ToolUse, 0, tool_prefix + random_base62(rng_, 22), {}, {}};
            block.tool_name = allow_task && rng_.chance(0.15) ? "Task" : pick_tool(rng_);
            if (block.tool_name == "Task") block.subagent_type = subagent_type_for(rng_);
            block.text_bytes = tool_input_bytes(rng_, block.tool_name);
            message.blocks.push_back(std::move(block));
        }
    }

    std::uint64_t generated_bytes = 0;
    for (const auto& block : message.blocks) generated_bytes += block.text_bytes;
    TokenUsage& usage = message.usage;
    usage.output = generated_bytes / 4 + rng_.between(3, 60);
    usage.input = rng_.chance(0.03) ? rng_.between(200, 6000) : rng_.between(1, 12);
    usage.cache_read = cached_tokens_;
    // First call of a context writes the system prompt and tool definitions.
    const std::uint64_t written =
        cached_tokens_ == 0 ? rng_.between(8000, 30000) : pending_tokens_ + rng_.between(20, 600);
    usage.split_cache_creation = style_.cache_ttl_mode != 0;
    if (style_.cache_ttl_mode == 2) {
        const double roll = rng_.unit();
        usage.cache_write_1h = roll < 0.6 ? written : roll < 0.8 ? 0 : written / 3;
        usage.cache_write_5m = written - usage.cache_write_1h;
    } else {
        usage.cache_write_5m = written;
    }
    cached_tokens_ += written + usage.output;
    pending_tokens_ = 0;
    return message;
}

void TranscriptWriter::write_response(const AssistantMessage& message) {
    const std::uint64_t final_output = message.usage.output;
    std::uint64_t streamed_output = std::min<std::uint64_t>(final_output, rng_.between(1, 12));
    for (std::size_t index = 0; index < message.blocks.size(); ++index) {
        const bool last = index + 1 == message.blocks.size();
        const LineHeader header = index == 0 ? next_header(1500, 30000) : next_header(200, 6000);
        // Early copies carry a partial streaming count; the last has the final one.
        const std::uint64_t output = style_.backfills_output || last ? final_output : streamed_output;
        renderer_.assistant_block(line_, identity_, header, message, index, output);
        emit();
        streamed_output = std::min(final_output, streamed_output + rng_.below(final_output / 2 + 1));
    }
    totals_.add(message.usage);
    last_usage_ = message.usage;
    if (samples_.size() < 3) samples_.push_back(message);
}

void TranscriptWriter::write_round(bool allow_tools, std::vector<SubagentRecord>* subagents) {
    const bool allow_task =
        subagents != nullptr && (style_.layout == Layout::InlineSidechains || next_subagent_ < subagents->size());
    const AssistantMessage message = make_message(allow_tools, allow_task);
    write_response(message);
    if (rng_.chance(0.015)) {
        renderer_.synthetic_assistant(line_, identity_, next_header(500, 5000));
        emit();
    }
    for (const auto& block : message.blocks) {
        if (block.kind != BlockKind::ToolUse) continue;
        if (block.tool_name == "Task") {
            write_task_outputs(block, subagents);
            continue;
        }
        if (style_.layout == Layout::NestedSubagents && rng_.chance(0.15)) {
            renderer_.hook_progress(line_, identity_, next_header(50, 500), block.tool_id);
            emit();
        }
        const std::size_t bytes = draw_payload_bytes();
        renderer_.tool_result(line_, identity_, next_header(100, 20000), block, bytes);
        emit();
        // Claude Code truncates huge tool output before it reaches the model.
        pending_tokens_ += std::min<std::uint64_t>(bytes / 4, 25000);
    }
    if (cached_tokens_ > 165000) {  // auto-compaction starts a fresh context
        renderer_.system_line(line_, identity_, next_header(1000, 5000), true);
        emit();
        cached_tokens_ = 0;
    }
}

void TranscriptWriter::write_task_outputs(const ContentBlock& task, std::vector<SubagentRecord>* subagents) {
    if (style_.layout == Layout::InlineSidechains) {
        write_inline_sidechain(task);
        return;
    }
    if (subagents == nullptr || next_subagent_ >= subagents->size()) return;
    const SubagentRecord& agent = (*subagents)[next_subagent_++];
    if (style_.layout == Layout::NestedSubagents) {
        for (const auto& nested : agent.samples) {
            renderer_.agent_progress(line_, identity_, next_header(500, 20000), task.tool_id, agent.agent_id, nested);
            emit();
        }
    }
    renderer_.task_result(line_, identity_, next_header(1000, 60000), task.tool_id, agent.agent_id, agent.last_usage,
                          rng_.log_uniform(200, 8000));
    emit();
    pending_tokens_ += rng_.between(100, 2000);
}

void TranscriptWriter::write_inline_sidechain(const ContentBlock& task) {
    // 1.0.x: the subagent's lines sit in the main file, flagged isSidechain,
    // with their own prompt-cache context and parent chain.
    const std::string main_parent = std::exchange(last_uuid_, std::string{});
    const std::uint64_t main_cached = std::exchange(cached_tokens_, 0);
    const std::uint64_t main_pending = std::exchange(pending_tokens_, 0);
    const std::string main_model = std::exchange(model_, style_.subagent_model);
    identity_.is_sidechain = true;

    renderer_.user_prompt(line_, identity_, next_header(100, 1000), rng_.log_uniform(200, 2000));
    emit();
    const std::uint64_t rounds = rng_.between(1, 5);
    for (std::uint64_t round = 0; round < rounds && !over_budget(); ++round) {
        write_round(round + 1 < rounds, nullptr);
    }
    const TokenUsage reported = last_usage_;

    identity_.is_sidechain = false;
    model_ = main_model;
    pending_tokens_ = main_pending + rng_.between(100, 2000);
    cached_tokens_ = main_cached;
    last_uuid_ = main_parent;
    renderer_.task_result(line_, identity_, next_header(1000, 30000), task.tool_id, random_hex(rng_, 8), reported,
                          rng_.log_uniform(200, 8000));
    emit();
}

void TranscriptWriter::write_main_turn(std::vector<SubagentRecord>& subagents) {
    // Idle time between prompts, shrinking near "now" so that long sessions
    // never run into the future.
    const std::int64_t room_ms = std::max<std::int64_t>(style_.latest_ms - clock_ms_, 0);
    clock_ms_ += std::min(static_cast<std::int64_t>(rng_.between(20000, 40 * 60000)), room_ms / 64);
    const LineHeader prompt = next_header(0, 0);
    if (style_.layout != Layout::InlineSidechains && rng_.chance(0.7)) {
        renderer_.file_history_snapshot(line_, prompt.uuid, prompt.unix_ms,
                                        rng_.chance(0.8) ? rng_.log_uniform(250, 2000) : draw_payload_bytes());
        emit();
    }
    renderer_.user_prompt(line_, identity_, prompt, rng_.log_uniform(20, 3000));
    emit();
    pending_tokens_ += rng_.between(10, 800);
    if (rng_.chance(0.05)) {
        const std::int64_t queued_ms = std::min(clock_ms_ + 2000, style_.latest_ms);
        renderer_.queue_operation(line_, identity_.session_id, queued_ms, true);
        emit();
        renderer_.queue_operation(line_, identity_.session_id, std::min(queued_ms + 7000, style_.latest_ms), false);
        emit();
    }
    const std::uint64_t rounds = 1 + std::min<std::uint64_t>(rng_.log_uniform(1, 40) - 1, 15);
    for (std::uint64_t round = 0; round < rounds && !over_budget(); ++round) {
        write_round(round + 1 < rounds, &subagents);
    }
    if (rng_.chance(0.04)) {
        renderer_.system_line(line_, identity_, next_header(1000, 60000), false);
        emit();
    }
}

void TranscriptWriter::write_main_conversation(std::uint64_t budget, std::vector<SubagentRecord>& subagents) {
    // A resumed prefix counts against the budget, but at least one new turn follows it.
    budget_ = std::max<std::uint64_t>(budget, bytes_written_ + 1);
    if (bytes_written_ == 0 && rng_.chance(0.25)) {
        for (std::uint64_t i = rng_.between(1, 3); i > 0; --i) {
            renderer_.summary(line_, random_uuid(rng_));
            emit();
        }
    }
    while (!over_budget()) write_main_turn(subagents);
}

void TranscriptWriter::write_subagent_conversation(std::uint64_t budget, bool warmup) {
    budget_ = budget;
    if (warmup) {  // 2.0.x pre-spawned agents: one "Warmup" exchange
        renderer_.user_literal_prompt(line_, identity_, next_header(0, 100), "Warmup");
        emit();
        write_round(false, nullptr);
        return;
    }
    renderer_.user_prompt(line_, identity_, next_header(0, 1000), rng_.log_uniform(200, 3000));
    emit();
    while (!over_budget()) write_round(rng_.chance(0.9), nullptr);
}

void TranscriptWriter::write_journal(std::size_t entries) {
    for (std::size_t i = 0; i < entries; ++i) {
        AssistantMessage message = make_message(false, false);
        clock_ms_ = std::min(clock_ms_ + static_cast<std::int64_t>(rng_.between(1000, 60000)), style_.latest_ms);
        renderer_.journal_entry(line_, identity_.agent_id, message, clock_ms_);
        emit();  // deliberately not added to totals_
    }
}

SubagentRecord TranscriptWriter::record() const {
    return SubagentRecord{identity_.agent_id, samples_, last_usage_};
}

}  // namespace bench
