// PriceBook: layered price lookup and the cost of one call.
#include "usage/pricing/pricing.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

#include "usage/model/token_limits.hpp"

namespace usage {

std::string_view to_string(PriceSource source) {
    switch (source) {
        case PriceSource::override_config: return "config override";
        case PriceSource::price_file: return "price file";
        case PriceSource::builtin: return "built-in table";
    }
    return "built-in table";
}

bool find_implausible_rate(const ModelPrice& price, std::string& field, double& value) {
    auto bad = [&](const Rates& r, const std::string& prefix) {
        const std::pair<const char*, double> rates[] = {{"input", r.input},
                                                        {"output", r.output},
                                                        {"cache_read", r.cache_read},
                                                        {"cache_write_5m", r.cache_write_5m},
                                                        {"cache_write_1h", r.cache_write_1h.value_or(0)}};
        for (const auto& [name, rate] : rates)
            if (!is_plausible_price(rate)) {
                field = prefix + name;
                value = rate;
                return true;
            }
        return false;
    };
    if (bad(price.base, "")) return true;
    for (const PriceTier& t : price.tiers)
        if (bad(t.rates, "tier.")) return true;
    return false;
}

namespace {

// A tier rate of 0 means "not given": fall back to the base rate.
double tier_or_base(double tier, double base) {
    return tier > 0 ? tier : base;
}

}  // namespace

std::int64_t cost_micros(const ModelPrice& price, const TokenCounts& t, bool aggregate) {
    const Rates& b = price.base;
    Rates r = b;
    const PriceTier* tier = nullptr;
    const std::int64_t prompt = t.prompt();
    // A sum of calls gets no tier: the per-call prompts are unknown, and base
    // rates are the best estimate (most calls stay under any threshold).
    if (!aggregate)
        for (const PriceTier& pt : price.tiers)  // the highest tier exceeded, whatever the order
            if (pt.above_tokens > 0 && prompt > pt.above_tokens && (!tier || pt.above_tokens > tier->above_tokens))
                tier = &pt;
    if (tier) {
        r.input = tier_or_base(tier->rates.input, b.input);
        r.output = tier_or_base(tier->rates.output, b.output);
        r.cache_read = tier_or_base(tier->rates.cache_read, b.cache_read);
        r.cache_write_5m = tier_or_base(tier->rates.cache_write_5m, b.cache_write_5m);
        r.cache_write_1h = tier->rates.cache_write_1h ? tier->rates.cache_write_1h : std::optional<double>{};
    }
    const double write_1h = r.cache_write_1h.value_or(2.0 * r.input);
    // Tokens x USD per million tokens = micro-dollars.
    const double micros = static_cast<double>(t.input) * r.input + static_cast<double>(t.output) * r.output +
                          static_cast<double>(t.cache_read) * r.cache_read +
                          static_cast<double>(t.cache_write_5m) * r.cache_write_5m +
                          static_cast<double>(t.cache_write_1h) * write_1h;
    // Counts within the rule of usage/model/token_limits.hpp at prices within
    // kMaxPricePerMillion cost at most about 6e13 micro-dollars, exact in a
    // double and far inside 64 bits. Anything else (counts or prices that bypassed
    // the checks) is held to the per-call bounds instead of converting an
    // out-of-range double, which C++ leaves undefined.
    if (!(micros > 0)) return 0;  // NaN included
    if (micros >= static_cast<double>(kMaxCostMicrosPerCall)) return kMaxCostMicrosPerCall;
    return std::llround(micros);
}

PriceBook::PriceBook() {
    for (const auto& p : builtin_prices()) builtin_.by_id.emplace(p.model, p);
    refresh_fingerprint();
}

void PriceBook::set_overrides(std::vector<ModelPrice> overrides) {
    overrides_.by_id.clear();
    for (auto& p : overrides) overrides_.by_id.insert_or_assign(p.model, std::move(p));
    refresh_fingerprint();
}

void PriceBook::set_price_file(std::vector<ModelPrice> prices) {
    file_.by_id.clear();
    for (auto& p : prices) file_.by_id.insert_or_assign(p.model, std::move(p));
    refresh_fingerprint();
}

std::optional<ResolvedPrice> PriceBook::find_in(const Layer& layer, PriceSource source, std::string_view model) const {
    if (layer.by_id.empty()) return std::nullopt;
    for (const auto& id : normalised_model_ids(model)) {
        if (auto it = layer.by_id.find(id); it != layer.by_id.end()) return ResolvedPrice{it->second, source, id};
    }
    return std::nullopt;
}

std::optional<ResolvedPrice> PriceBook::resolve(std::string_view model) const {
    if (model.empty()) return std::nullopt;
    {
        std::lock_guard lock(memo_mutex_);
        if (auto it = memo_.find(std::string(model)); it != memo_.end()) return it->second;
    }
    std::optional<ResolvedPrice> r = find_in(overrides_, PriceSource::override_config, model);
    if (!r) r = find_in(file_, PriceSource::price_file, model);
    if (!r) r = find_in(builtin_, PriceSource::builtin, model);
    std::lock_guard lock(memo_mutex_);
    memo_.insert_or_assign(std::string(model), r);
    return r;
}

PricedCost PriceBook::evaluate(const UsageEvent& event) const {
    auto resolved = resolve(event.pricing_model.empty() ? event.model : event.pricing_model);
    if (resolved && resolved->source == PriceSource::override_config)
        return {cost_micros(resolved->price, event.tokens, event.aggregate), CostOrigin::override_price};
    if (event.reported_cost_micros) return {event.reported_cost_micros, CostOrigin::reported};
    if (resolved) return {cost_micros(resolved->price, event.tokens, event.aggregate), CostOrigin::estimated};
    return {};
}

void PriceBook::price(UsageEvent& event) const {
    PricedCost c = evaluate(event);
    event.cost_micros = c.micros;
    event.cost_origin = c.origin;
}

std::string PriceBook::fingerprint() const {
    return fingerprint_;
}

void PriceBook::refresh_fingerprint() {
    {
        std::lock_guard lock(memo_mutex_);
        memo_.clear();
    }
    std::size_t h = 0;
    auto mix = [&h](const std::string& s) { h = h * 1000003u ^ std::hash<std::string>{}(s); };
    // How ids are matched and events priced (price_resolution.cpp,
    // cost_micros) is part of what a stored cost depends on: a new rule must
    // re-price the stores priced under the old ones, whose tables are the
    // same. Bump it with every such change.
    mix("rules 2: tiers, aggregates, dotted claude versions");
    char num[128];
    auto rates = [&](const Rates& r) {
        std::snprintf(num, sizeof num, "%.9g/%.9g/%.9g/%.9g/%.9g", r.input, r.output, r.cache_read, r.cache_write_5m,
                      r.cache_write_1h.value_or(-1));
        mix(num);
    };
    for (const Layer* layer : {&overrides_, &file_, &builtin_}) {
        mix("|layer|");
        for (const auto& [id, p] : layer->by_id) {
            mix(id);
            rates(p.base);
            for (const PriceTier& t : p.tiers) {
                mix(std::to_string(t.above_tokens));
                rates(t.rates);
            }
        }
    }
    fingerprint_ = std::to_string(h);
}

}  // namespace usage
