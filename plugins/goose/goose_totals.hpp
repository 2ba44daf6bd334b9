// Goose keeps one running total per session (`sessions.accumulated_*`), not
// one record per model call. What was already counted is remembered in the
// cursor state (ReadMode::cumulative keeps it across a rewrite of the file
// and a full rescan); each observed change becomes one event holding the
// difference.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usage/model/event.hpp"

namespace usage::plugins::goose {

/// One session's running totals as the database holds them.
struct Totals {
    std::int64_t input = 0;   ///< accumulated_input_tokens
    std::int64_t output = 0;  ///< accumulated_output_tokens
    std::int64_t total = 0;   ///< accumulated_total_tokens (0 when NULL)
    /// accumulated_cost in micro-USD; nullopt when the column is NULL or the
    /// schema predates it (v13).
    std::optional<std::int64_t> cost_micros;
    bool operator==(const Totals&) const = default;
};

/// What was counted of one session: its totals at the last observation, the
/// session's creation time (an id Goose reuses after a deletion is another
/// session) and how many events it has produced (the next event's number).
struct Counted {
    std::int64_t created_ms = 0;
    std::uint64_t events = 0;
    Totals totals;
};

/// Session id -> what was counted. Written to the cursor state as one short
/// line per session (a database may hold thousands).
using CountedSessions = std::map<std::string, Counted, std::less<>>;

/// The state as saved by to_state(); empty (count everything) for an empty or
/// unrecognised state.
CountedSessions parse_state(std::string_view state);
std::string to_state(const CountedSessions& sessions);

/// Whether a session id can be kept in the state (no tab or line break).
bool storable_id(std::string_view id);

/// The usage between two observations of one session. Each counter that went
/// down counts 0 (never a negative event) and the lower value is the new
/// baseline. Goose has no cache or reasoning columns: input is all input, and
/// what the total holds beyond input + output (Gemini's thinking tokens, which
/// Goose's Google format leaves out of the output count) is reasoning, billed
/// as output. The cost difference is reported only when both observations
/// carry a cost and it grew.
struct Delta {
    TokenCounts tokens;
    std::optional<std::int64_t> cost_micros;
    [[nodiscard]] bool empty() const { return tokens.total() == 0 && !cost_micros; }
};
Delta difference(const Totals& before, const Totals& now);

/// `d` as events that each obey the per-call limit of
/// usage/model/token_limits.hpp: one when every class fits (the usual case),
/// else N equal parts (the last takes the remainders), N the fewest that fit.
/// A session first seen after it ran for weeks can hold more than one call
/// may.
std::vector<Delta> split_to_call_limit(const Delta& d);

}  // namespace usage::plugins::goose
