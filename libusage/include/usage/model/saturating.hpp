// usage/model/saturating.hpp — sums that cannot wrap.
//
// Every stored count and cost is bounded (usage/model/token_limits.hpp), so a sum
// over a real history never comes near 64 bits. A store filled with
// impossible numbers (by a hostile pusher, or by a version that stored them
// before the rule) must still not wrap to a small or negative total: sums
// stop at the int64 limit and say so.
#pragma once

#include <cstdint>
#include <limits>

namespace usage {

/// a + b, or the int64 limit on the side it went past (setting `overflow`).
constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b, bool& overflow) {
    std::int64_t sum = 0;
    if (!__builtin_add_overflow(a, b, &sum)) return sum;
    overflow = true;
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

/// a + b saturated, for callers that flagged the overflow elsewhere.
constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    bool ignored = false;
    return saturating_add(a, b, ignored);
}

}  // namespace usage
