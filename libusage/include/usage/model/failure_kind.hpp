// usage/model/failure_kind.hpp — how a failed call failed, as
// UsageEvent::failure names it, from what a tool wrote: one plain name for a
// kind, whatever the source.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usage {

/// `words` when they are a plain name (1-40 characters of a-z, 0-9 and `_`,
/// e.g. a tool's `rate_limit`), else nullopt: free text is never a kind.
std::optional<std::string> failure_name(std::string_view words);

/// `http_<status>` for an HTTP status (100-599), else nullopt.
std::optional<std::string> http_failure(std::int64_t status);

}  // namespace usage
