#include "vscode_task_tool.hpp"

#include <algorithm>

namespace usage::plugins::vscode_tasks {

bool cline_input_includes_cache(std::string_view provider) {
    // Cline's handlers that yield `inputTokens: usage.prompt_tokens` (cached
    // tokens included) while reporting cache reads separately.
    constexpr std::string_view kIncluding[] = {
        "openai",   "litellm",  "baseten", "cerebras", "dify", "doubao",    "fireworks", "huawei-cloud-maas",
        "lmstudio", "moonshot", "nebius",  "oca",      "qwen", "qwen-code", "sambanova", "sapaicore",
        "together", "xai",      "zai",
    };
    return std::find(std::begin(kIncluding), std::end(kIncluding), provider) != std::end(kIncluding);
}

std::int64_t uncached_input(const TaskTool& tool, const UsageRecord& r, std::string_view provider,
                            std::string_view protocol) {
    const std::int64_t cache = r.cache_reads + r.cache_writes;
    const auto less_cache = [&] { return std::max<std::int64_t>(0, r.tokens_in - cache); };
    if (tool.input == InputMeaning::provider_raw)
        return cline_input_includes_cache(provider) ? less_cache() : r.tokens_in;
    // Roo and Kilo. A record without apiProtocol predates it (Roo, July
    // 2025): the raw count of, mostly, Anthropic-style providers.
    if (protocol.empty()) return r.tokens_in;
    if (protocol.find("anthropic") == std::string_view::npos) return less_cache();  // OpenAI input includes cache
    // Anthropic protocol: the total since #8954. An input smaller than the
    // cache cannot be a total: a raw count from an older version.
    if (r.ts >= tool.total_input_since_ms && r.tokens_in >= cache) return r.tokens_in - cache;
    return r.tokens_in;
}

}  // namespace usage::plugins::vscode_tasks
