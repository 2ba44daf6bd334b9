#include "usage/analytics/cost_split.hpp"

#include <cmath>

namespace usage {

CostSplit split_cost(const PriceBook& prices, std::string_view model, const Totals& t) {
    CostSplit split;
    const auto resolved = prices.resolve(model);
    if (!resolved) {
        split.unsplit_micros = t.cost_micros;
        return split;
    }
    // Base rates: which calls crossed a long-context tier is not in the sums.
    // (Tiers raise input rates more than output rates, e.g. 2x and 1.5x, so
    // for such calls this split gives input a little less than it cost.)
    const Rates& r = resolved->price.base;
    const double input = static_cast<double>(t.input_tokens) * r.input +
                         static_cast<double>(t.cache_read_tokens) * r.cache_read +
                         static_cast<double>(t.cache_write_5m_tokens) * r.cache_write_5m +
                         static_cast<double>(t.cache_write_1h_tokens) * r.cache_write_1h.value_or(2.0 * r.input);
    const double output = static_cast<double>(t.output_tokens) * r.output;
    if (!(input + output > 0)) {
        split.unsplit_micros = t.cost_micros;  // rates of 0 (a free model) or no tokens
        return split;
    }
    split.output_micros = std::llround(static_cast<double>(t.cost_micros) * (output / (input + output)));
    split.input_micros = t.cost_micros - split.output_micros;
    return split;
}

}  // namespace usage
