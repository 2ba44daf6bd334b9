// Mapping rules, applied in this order to the lower-cased, trimmed name:
//   1. Cursor's own names (`auto`, `default`, `composer-1`, `cursor-small`)
//      have no public price: provider `cursor`, unpriced (a CSV row's
//      reported cost still prices them).
//   2. The name, as is or rewritten by one of the forms below, is looked up
//      in the explicit alias table, then in the closed list of provider ids.
//      Forms: the name itself; for `claude-<version>-<family>[-rest]` the
//      family-first id (`claude-4.5-sonnet` -> `claude-sonnet-4-5`, Claude 4
//      and later) and the version-first id with dashes (`claude-3.7-sonnet`
//      -> `claude-3-7-sonnet`, Claude 3.x).
//   3. No hit: drop ONE trailing modifier and go back to 2. Modifiers are
//      `-thinking` (extended thinking, same per-token price) and the effort
//      levels `-minimal`, `-low`, `-medium`, `-high`, `-xhigh`, `-max`
//      (more tokens, same price). A modifier is only dropped when the
//      longer name is not itself a listed id (`gpt-5.1-codex-max` is one).
//   4. Nothing left to drop: unknown, unpriced. `-fast` (priority
//      processing, billed at a premium) and `-1m` style context variants are
//      deliberately not dropped.
#include "cursor_models.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>

namespace usage::plugins::cursor {
namespace {

struct Target {
    std::string_view id;
    std::string_view provider;
};

// Provider ids (all present in libusage/src/builtin_prices.cpp; a test
// checks it). Undated aliases only: the price resolver handles dates.
constexpr std::array kTargets = {
    Target{"claude-opus-4-7", "anthropic"},
    Target{"claude-opus-4-6", "anthropic"},
    Target{"claude-opus-4-5", "anthropic"},
    Target{"claude-opus-4-1", "anthropic"},
    Target{"claude-opus-4", "anthropic"},
    Target{"claude-sonnet-4-6", "anthropic"},
    Target{"claude-sonnet-4-5", "anthropic"},
    Target{"claude-sonnet-4", "anthropic"},
    Target{"claude-haiku-4-5", "anthropic"},
    Target{"claude-3-7-sonnet", "anthropic"},
    Target{"claude-3-5-sonnet", "anthropic"},
    Target{"claude-3-5-haiku", "anthropic"},
    Target{"claude-3-opus", "anthropic"},
    Target{"claude-3-haiku", "anthropic"},
    Target{"gpt-5.2", "openai"},
    Target{"gpt-5.2-codex", "openai"},
    Target{"gpt-5.1", "openai"},
    Target{"gpt-5.1-codex", "openai"},
    Target{"gpt-5.1-codex-max", "openai"},
    Target{"gpt-5.1-codex-mini", "openai"},
    Target{"gpt-5", "openai"},
    Target{"gpt-5-codex", "openai"},
    Target{"gpt-5-mini", "openai"},
    Target{"gpt-5-nano", "openai"},
    Target{"gpt-5-pro", "openai"},
    Target{"gpt-4.1", "openai"},
    Target{"gpt-4.1-mini", "openai"},
    Target{"gpt-4.1-nano", "openai"},
    Target{"gpt-4o", "openai"},
    Target{"gpt-4o-mini", "openai"},
    Target{"o3", "openai"},
    Target{"o3-pro", "openai"},
    Target{"o3-mini", "openai"},
    Target{"o4-mini", "openai"},
    Target{"o1", "openai"},
    Target{"gemini-3-pro-preview", "google"},
    Target{"gemini-3-flash-preview", "google"},
    Target{"gemini-3.1-pro-preview", "google"},
    Target{"gemini-2.5-pro", "google"},
    Target{"gemini-2.5-flash", "google"},
    Target{"gemini-2.5-flash-lite", "google"},
    Target{"gemini-2.0-flash", "google"},
};

// Names Cursor shows for preview models under their release name.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kAliases = {{
    {"gemini-3-pro", "gemini-3-pro-preview"},
    {"gemini-3-flash", "gemini-3-flash-preview"},
    {"gemini-3.1-pro", "gemini-3.1-pro-preview"},
}};

constexpr std::array<std::string_view, 4> kCursorOwn = {"auto", "default", "composer-1", "cursor-small"};

constexpr std::array<std::string_view, 7> kModifiers = {"-thinking", "-minimal", "-low", "-medium",
                                                        "-high",     "-xhigh",   "-max"};

constexpr std::array<std::string_view, 3> kClaudeFamilies = {"opus", "sonnet", "haiku"};

std::optional<Target> find_target(std::string_view id) {
    for (const auto& [alias, target] : kAliases)
        if (id == alias) id = target;
    for (const auto& t : kTargets)
        if (t.id == id) return t;
    return std::nullopt;
}

bool is_version(std::string_view v) {
    // `4`, `4.5`, `3.7`: digits with at most one dot, not at either end.
    if (v.empty() || v.front() == '.' || v.back() == '.') return false;
    int dots = 0;
    for (char c : v) {
        if (c == '.')
            ++dots;
        else if (c < '0' || c > '9')
            return false;
    }
    return dots <= 1;
}

std::string dashed(std::string_view v) {
    std::string out(v);
    std::replace(out.begin(), out.end(), '.', '-');
    return out;
}

// `claude-<version>-<family>[-rest]` in its two provider spellings.
std::vector<std::string> forms(const std::string& name) {
    std::vector<std::string> out{name};
    constexpr std::string_view prefix = "claude-";
    if (!name.starts_with(prefix)) return out;
    std::string_view rest = std::string_view(name).substr(prefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string_view::npos || !is_version(rest.substr(0, dash))) return out;
    const std::string_view version = rest.substr(0, dash);
    std::string_view family = rest.substr(dash + 1);
    std::string_view tail;
    if (auto d = family.find('-'); d != std::string_view::npos) {
        tail = family.substr(d);
        family = family.substr(0, d);
    }
    if (std::find(kClaudeFamilies.begin(), kClaudeFamilies.end(), family) == kClaudeFamilies.end()) return out;
    out.push_back(std::string(prefix) + std::string(family) + "-" + dashed(version) + std::string(tail));
    out.push_back(std::string(prefix) + dashed(version) + "-" + std::string(family) + std::string(tail));
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

MappedModel map_cursor_model(std::string_view cursor_name) {
    std::string name = normalise(cursor_name);
    if (name.empty()) return {};
    if (std::find(kCursorOwn.begin(), kCursorOwn.end(), name) != kCursorOwn.end()) return {"", "cursor"};
    while (true) {
        for (const auto& form : forms(name))
            if (auto t = find_target(form)) return {std::string(t->id), std::string(t->provider)};
        bool dropped = false;
        for (auto modifier : kModifiers) {
            if (name.size() > modifier.size() && name.ends_with(modifier)) {
                name.resize(name.size() - modifier.size());
                dropped = true;
                break;
            }
        }
        if (!dropped) return {};
    }
}

std::vector<std::string_view> mapped_model_ids() {
    std::vector<std::string_view> out;
    for (const auto& t : kTargets) out.push_back(t.id);
    return out;
}

}  // namespace usage::plugins::cursor
