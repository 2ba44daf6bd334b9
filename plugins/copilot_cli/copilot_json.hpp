// Reads of simdjson DOM values for the Copilot parsers. Token counts follow
// the one rule of usage/model/token_limits.hpp (an integer 0..cap; absent or
// null reads as 0); every other field is read leniently.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "usage/model/token_limits.hpp"

namespace usage::plugins::copilot {

/// The first count of a record that broke the rule.
struct BadCount {
    std::string field;  ///< e.g. `gen_ai.usage.input_tokens`
    std::string value;  ///< the JSON text as written
    std::string_view rule = kTokenCountRule;
    [[nodiscard]] bool found() const { return !field.empty(); }
};

/// `obj[key]` as a count in 0..max into `out` (absent/null: 0). Otherwise
/// notes the first bad one in `bad` and returns false.
bool read_count(simdjson::dom::object obj, std::string_view key, std::int64_t& out, BadCount& bad,
                std::string_view field, std::int64_t max = kMaxTokensPerCall, std::string_view rule = kTokenCountRule);

/// A string member, or "" when absent or not a string.
std::string_view str(simdjson::dom::object obj, std::string_view key);

/// A non-negative finite number member (integer or not), or `fallback`.
double number(simdjson::dom::object obj, std::string_view key, double fallback = -1);

}  // namespace usage::plugins::copilot
