#include "copilot_shutdown_legs.hpp"

namespace usage::plugins::copilot {

bool ModelTotals::covers(const ModelTotals& p) const {
    return requests >= p.requests && usage.input >= p.usage.input && usage.output >= p.usage.output &&
           usage.cache_read >= p.usage.cache_read && usage.cache_write >= p.usage.cache_write &&
           usage.reasoning >= p.usage.reasoning && nano_aiu >= p.nano_aiu;
}

ModelTotals ModelTotals::minus(const ModelTotals& p) const {
    ModelTotals d;
    d.requests = requests - p.requests;
    d.usage.input = usage.input - p.usage.input;
    d.usage.output = usage.output - p.usage.output;
    d.usage.cache_read = usage.cache_read - p.usage.cache_read;
    d.usage.cache_write = usage.cache_write - p.usage.cache_write;
    d.usage.reasoning = usage.reasoning - p.usage.reasoning;
    d.nano_aiu = nano_aiu - p.nano_aiu;
    d.has_nano_aiu = has_nano_aiu;
    return d;
}

bool ModelTotals::is_zero() const {
    return requests == 0 && usage.input == 0 && usage.output == 0 && usage.cache_read == 0 && usage.cache_write == 0 &&
           usage.reasoning == 0 && nano_aiu == 0;
}

std::vector<LegShare> LegHistory::take(const LegTotals& leg) {
    bool cumulative = !previous.empty();
    for (const auto& [model, prev] : previous) {
        auto it = leg.find(model);
        if (it == leg.end() || !it->second.covers(prev)) {
            cumulative = false;
            break;
        }
    }
    std::vector<LegShare> out;
    for (const auto& [model, totals] : leg) {
        ModelTotals own = totals;
        if (cumulative)
            if (auto it = previous.find(model); it != previous.end()) own = totals.minus(it->second);
        if (own.is_zero()) continue;
        out.push_back({model, own});
    }
    previous = leg;
    return out;
}

}  // namespace usage::plugins::copilot
