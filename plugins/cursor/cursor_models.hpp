// Cursor's model names -> the provider ids the price table knows.
//
// Cursor shows its own names (`claude-4.5-sonnet`, `claude-4.5-opus-high-thinking`,
// `gpt-5-codex-high`); the providers bill `claude-sonnet-4-5`, `claude-opus-4-5`,
// `gpt-5-codex`. The mapping is a closed list of provider ids plus a few
// documented rewriting rules (docs/sources/cursor.md), never a substring
// match: a name no rule turns into a listed id stays unpriced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace usage::plugins::cursor {

struct MappedModel {
    /// Provider id to price with; empty when the name is unknown or is one of
    /// Cursor's own routers/models without a public price (`auto`, `default`).
    std::string pricing_model;
    /// `anthropic`, `openai`, `google`, `cursor` (Cursor's own names), or empty.
    std::string provider;
};

/// The provider id of a Cursor model name (see the rules in the .cpp).
MappedModel map_cursor_model(std::string_view cursor_name);

/// Every provider id the mapping can produce (tests check each one is in
/// the built-in price table).
std::vector<std::string_view> mapped_model_ids();

}  // namespace usage::plugins::cursor
