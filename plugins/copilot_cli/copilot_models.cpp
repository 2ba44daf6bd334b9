// Mapping rules, applied in this order to the lower-cased, trimmed name:
//   1. `auto` (Copilot's router; the row names the model it chose when it
//      knows it) has no price: provider `github`, unpriced.
//   2. The name, as is or with the dots of a Claude version turned into
//      dashes (`claude-opus-4.6` -> `claude-opus-4-6`), is looked up in the
//      closed list of provider ids below.
//   3. No hit: no mapping (the name is priced as written). Suffixes are
//      never dropped: Copilot names the effort apart (reasoningEffort), and
//      `-fast`, `-1m` and other variants are billed differently.
#include "copilot_models.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>

namespace usage::plugins::copilot {
namespace {

struct Target {
    std::string_view id;
    std::string_view provider;
};

// Provider ids, all in libusage/src/pricing/builtin_prices.cpp (a test
// checks it). Undated ids only: the price resolver handles dates.
constexpr std::array kTargets = {
    Target{"claude-opus-4-8", "anthropic"},
    Target{"claude-opus-4-7", "anthropic"},
    Target{"claude-opus-4-6", "anthropic"},
    Target{"claude-opus-4-5", "anthropic"},
    Target{"claude-opus-4-1", "anthropic"},
    Target{"claude-opus-4", "anthropic"},
    Target{"claude-opus-5", "anthropic"},
    Target{"claude-sonnet-5", "anthropic"},
    Target{"claude-sonnet-4-6", "anthropic"},
    Target{"claude-sonnet-4-5", "anthropic"},
    Target{"claude-sonnet-4", "anthropic"},
    Target{"claude-haiku-4-5", "anthropic"},
    Target{"claude-3-7-sonnet", "anthropic"},
    Target{"claude-3-5-sonnet", "anthropic"},
    Target{"claude-3-5-haiku", "anthropic"},
    Target{"gpt-5.5", "openai"},
    Target{"gpt-5.4", "openai"},
    Target{"gpt-5.4-mini", "openai"},
    Target{"gpt-5.3-codex", "openai"},
    Target{"gpt-5.2", "openai"},
    Target{"gpt-5.2-codex", "openai"},
    Target{"gpt-5.1", "openai"},
    Target{"gpt-5.1-codex", "openai"},
    Target{"gpt-5.1-codex-max", "openai"},
    Target{"gpt-5.1-codex-mini", "openai"},
    Target{"gpt-5", "openai"},
    Target{"gpt-5-codex", "openai"},
    Target{"gpt-5-mini", "openai"},
    Target{"gpt-4.1", "openai"},
    Target{"gpt-4o", "openai"},
    Target{"gpt-4o-mini", "openai"},
    Target{"o3", "openai"},
    Target{"o4-mini", "openai"},
    Target{"gemini-3-pro-preview", "google"},
    Target{"gemini-3-flash-preview", "google"},
    Target{"gemini-3.1-pro-preview", "google"},
    Target{"gemini-2.5-pro", "google"},
    Target{"gemini-2.5-flash", "google"},
    Target{"gemini-2.0-flash", "google"},
};

std::optional<Target> find_target(std::string_view id) {
    for (const auto& t : kTargets)
        if (t.id == id) return t;
    return std::nullopt;
}

// `claude-<family>-<major>.<minor>[-rest]` -> dashes in the version only.
std::string dashed_claude(const std::string& name) {
    if (!name.starts_with("claude-")) return name;
    std::string out = name;
    for (std::size_t i = 1; i + 1 < out.size(); ++i)
        if (out[i] == '.' && std::isdigit(static_cast<unsigned char>(out[i - 1])) &&
            std::isdigit(static_cast<unsigned char>(out[i + 1])))
            out[i] = '-';
    return out;
}

std::string normalise(std::string_view raw) {
    auto first = raw.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    auto last = raw.find_last_not_of(" \t\r\n");
    std::string out(raw.substr(first, last - first + 1));
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace

MappedModel map_copilot_model(std::string_view copilot_name) {
    std::string name = normalise(copilot_name);
    if (name.empty()) return {};
    if (name == "auto") return {"", "github"};
    if (auto t = find_target(name)) return {std::string(t->id), std::string(t->provider)};
    if (auto t = find_target(dashed_claude(name))) return {std::string(t->id), std::string(t->provider)};
    // Unknown: the provider still follows from the family when it is plain.
    if (name.starts_with("claude-")) return {"", "anthropic"};
    if (name.starts_with("gpt-") ||
        (name.size() > 1 && name[0] == 'o' && std::isdigit(static_cast<unsigned char>(name[1]))))
        return {"", "openai"};
    if (name.starts_with("gemini-")) return {"", "google"};
    return {"", "github"};
}

std::vector<std::string_view> mapped_model_ids() {
    std::vector<std::string_view> out;
    for (const auto& t : kTargets) out.push_back(t.id);
    return out;
}

}  // namespace usage::plugins::copilot
