// What differs between Cline, Roo Code and Kilo Code when their shared task
// format is read: the source name and what `tokensIn` means.
#pragma once

#include <cstdint>
#include <string_view>

#include "vscode_task_messages.hpp"

namespace usage::plugins::vscode_tasks {

enum class InputMeaning {
    /// Cline: the provider's own input count. Anthropic-protocol providers
    /// exclude cache reads and writes; the OpenAI-compatible ones of
    /// cline_input_includes_cache() include them.
    provider_raw,
    /// Roo Code and Kilo Code since Roo PR #8954 (2025-10-31):
    /// `costResult.totalInputTokens`, the input INCLUDING cache reads and
    /// writes for every protocol. Before it, the provider's raw count (as
    /// Cline), told apart by `apiProtocol`.
    total_with_cache,
};

struct TaskTool {
    std::string_view source;  ///< `cline`, `roo-code`, `kilo-code`
    InputMeaning input = InputMeaning::provider_raw;
    /// total_with_cache: records from this time on (UTC ms) carry the total.
    std::int64_t total_input_since_ms = 0;
};

/// Roo PR #8954 "Fix cost and token tracking between provider styles",
/// merged 2025-10-31T19:14:29Z: from then on `tokensIn` is the total input.
inline constexpr std::int64_t kRooTotalInputSinceMs = 1761938069000;

/// Whether Cline's handler for `provider` (modelInfo.providerId, Cline's
/// apiProvider names) reports the OpenAI `prompt_tokens` as is, cached
/// tokens included: openai (OpenAI Compatible), litellm, and the other
/// OpenAI-style handlers that pass `prompt_tokens` through. The others
/// (anthropic, bedrock, vertex, openrouter, cline, gemini, deepseek,
/// openai-native, ...) subtract the cache first or never count it.
bool cline_input_includes_cache(std::string_view provider);

/// The uncached input of a record: tokensIn less the cache where the tool's
/// count includes it (never below 0). `provider` is the record's provider,
/// `protocol` the apiProtocol in force (the record's, else the task's last).
std::int64_t uncached_input(const TaskTool& tool, const UsageRecord& r, std::string_view provider,
                            std::string_view protocol);

}  // namespace usage::plugins::vscode_tasks
