// usage/analytics/cost_split.hpp — a model's cost divided into what its
// prompts cost (input, cache reads and cache writes) and what its completions
// cost (output). The store keeps one cost per call, so the split is the
// model's list rates applied to its token sums, scaled to the cost it really
// has: exact for costs estimated from the same rates without a long-context
// tier, and an estimate of the same proportion for costs a tool reported.
#pragma once

#include <cstdint>
#include <string_view>

#include "usage/analytics/analytics.hpp"
#include "usage/pricing/pricing.hpp"

namespace usage {

struct CostSplit {
    std::int64_t input_micros = 0;    ///< input, cache reads, cache writes
    std::int64_t output_micros = 0;   ///< output (reasoning included)
    std::int64_t unsplit_micros = 0;  ///< cost of a model without known rates (reported by its tool)
};

/// Splits `totals.cost_micros` of `model`: input + output + unsplit always
/// equals it to the micro-dollar.
CostSplit split_cost(const PriceBook& prices, std::string_view model, const Totals& totals);

}  // namespace usage
