// A Droid session's `tokenUsage` is a running total for the whole session,
// rewritten in `<session>.settings.json` as the session goes. What was
// already counted is kept in the cursor state (ReadMode::cumulative keeps it
// when Droid replaces the file and across a full rescan); each observed
// change becomes one event holding the difference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usage/model/event.hpp"

namespace usage::plugins::droid {

/// `tokenUsage` as written.
struct Usage {
    std::int64_t input = 0;           ///< inputTokens
    std::int64_t output = 0;          ///< outputTokens
    std::int64_t cache_creation = 0;  ///< cacheCreationTokens
    std::int64_t cache_read = 0;      ///< cacheReadTokens
    std::int64_t thinking = 0;        ///< thinkingTokens
    bool operator==(const Usage&) const = default;
};

/// What was counted of the session: its totals at the last observation and
/// how many events it has produced (the next event's number).
struct Counted {
    std::uint64_t events = 0;
    Usage usage;
};

/// The state as saved by to_state(); nullopt (count everything) for an empty
/// or unrecognised state.
std::optional<Counted> parse_state(std::string_view state);
std::string to_state(const Counted& counted);

/// The tokens used between two observations. Droid's counters follow
/// Anthropic's usage fields: inputTokens is the uncached input, the cache
/// reads and writes are their own classes (every peer reader takes them as
/// disjoint), and thinkingTokens come on top of outputTokens (both peers add
/// them to the output they price). Each counter that went down counts 0 and
/// the lower value is the new baseline (never a negative event).
TokenCounts difference(const Usage& before, const Usage& now);

/// `t` as events that each obey the per-call limit of
/// usage/model/token_limits.hpp: one when every class fits, else N equal parts
/// (the last takes the remainders), N the fewest that fit.
std::vector<TokenCounts> split_to_call_limit(const TokenCounts& t);

}  // namespace usage::plugins::droid
