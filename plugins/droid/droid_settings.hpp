// One `<session>.settings.json` of Factory Droid: the session's model and its
// running `tokenUsage`.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>

#include "droid_usage.hpp"
#include "usage/scan/ondemand_values.hpp"

namespace usage::plugins::droid {

struct Settings {
    std::string model;           ///< `model`, e.g. `custom:Claude-Sonnet-4-[Anthropic]`
    std::string provider_lock;   ///< `providerLock`, e.g. `anthropic`
    std::optional<Usage> usage;  ///< `tokenUsage`; nullopt when absent
    /// The first running total that broke the rule (views into the buffer).
    detail::BadNumber bad;
};

enum class SettingsOutcome {
    ok,         ///< parsed (with or without tokenUsage)
    malformed,  ///< not a JSON object, or tokenUsage not an object
    invalid,    ///< a count breaks the rule of a running total: `bad` says which
};

/// Parse one settings document. `json` must be followed by
/// simdjson::SIMDJSON_PADDING readable bytes (`capacity` >= size + padding).
SettingsOutcome parse_settings(simdjson::ondemand::parser& parser, const char* json, std::size_t size,
                               std::size_t capacity, Settings& out);

}  // namespace usage::plugins::droid
