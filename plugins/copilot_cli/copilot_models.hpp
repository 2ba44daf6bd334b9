// Copilot CLI's model names -> the provider ids the price table knows.
//
// Copilot writes its own spellings: the Claude family first with a dotted
// version (`claude-sonnet-4.5`, `claude-opus-4.6`), where Anthropic bills
// `claude-sonnet-4-5`, `claude-opus-4-6`. OpenAI and Google names are
// mostly the provider's own (`gpt-5-mini`, `gpt-4.1`, `gemini-2.5-pro`).
// The mapping is a closed list of provider ids plus the rules in the .cpp,
// never a substring match: a name no rule turns into a listed id stays
// priced as written (and unpriced when the table does not know it either).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace usage::plugins::copilot {

struct MappedModel {
    /// Provider id to price with; empty when the name is unknown, or is
    /// Copilot's own router (`auto`) without a public price.
    std::string pricing_model;
    /// `anthropic`, `openai`, `google`, or `github` for names of no known provider.
    std::string provider;
};

/// The provider id of a Copilot model name (see the rules in the .cpp).
MappedModel map_copilot_model(std::string_view copilot_name);

/// Every provider id the mapping can produce (a test checks each one is in
/// the built-in price table).
std::vector<std::string_view> mapped_model_ids();

}  // namespace usage::plugins::copilot
