// Loader for LiteLLM's model_prices_and_context_window.json (USD per token).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "usage/pricing/pricing.hpp"

namespace usage {
namespace {

// USD per token -> USD per million tokens, rounded to 6 decimals so that
// 3e-06 becomes exactly 3.0 rather than 2.9999999999999996.
double per_million(double per_token) {
    return std::round(per_token * 1e12) / 1e6;
}

// A rate that is not a price: the model is skipped, naming the field.
struct BadRate : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The rate under `key` in USD per million tokens, nullopt when absent or not
// a number. A number that is not a per-token price (negative, above
// kMaxPricePerMillion / 1e6, infinite) throws BadRate.
std::optional<double> number(const nlohmann::json& entry, const std::string& key) {
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_number()) return std::nullopt;
    const double per_token = it->get<double>();
    if (!is_plausible_price(per_token * 1e6))
        throw BadRate(key + " is " + (std::isfinite(per_token) ? it->dump() : std::string("out of range")) +
                      ", not a price (0.." + nlohmann::json(kMaxPricePerMillion / 1e6).dump() + " USD per token)");
    return per_million(per_token);
}

// LiteLLM carries known data errors for 1-hour writes (24x or 0.4x input on
// old Claude 3 models); Anthropic bills them at 2x. Accept only plausible ratios.
std::optional<double> plausible_1h(std::optional<double> write_1h, double input) {
    if (!write_1h || input <= 0) return std::nullopt;
    double ratio = *write_1h / input;
    if (ratio < 1.5 || ratio > 2.5) return std::nullopt;
    return write_1h;
}

Rates rates_with_suffix(const nlohmann::json& e, const std::string& suffix, const Rates& fallback) {
    Rates r;
    r.input = number(e, "input_cost_per_token" + suffix).value_or(fallback.input);
    r.output = number(e, "output_cost_per_token" + suffix).value_or(fallback.output);
    r.cache_read = number(e, "cache_read_input_token_cost" + suffix).value_or(fallback.cache_read);
    r.cache_write_5m = number(e, "cache_creation_input_token_cost" + suffix).value_or(fallback.cache_write_5m);
    r.cache_write_1h = plausible_1h(number(e, "cache_creation_input_token_cost_above_1hr" + suffix), r.input);
    return r;
}

// The long-context tiers LiteLLM writes as suffixed keys, ascending.
constexpr std::pair<const char*, std::int64_t> kSuffixTiers[] = {{"_above_128k_tokens", 128000},
                                                                 {"_above_200k_tokens", 200000},
                                                                 {"_above_256k_tokens", 256000},
                                                                 {"_above_272k_tokens", 272000}};

// `tiered_pricing: [{range: [from, to], input_cost_per_token, ...}, ...]`
// (Alibaba's Qwen models): the range from 0 gives the base rates, every other
// range a tier above its start. False when the entry has no usable tiers.
bool read_tiered_pricing(const nlohmann::json& e, ModelPrice& p) {
    auto it = e.find("tiered_pricing");
    if (it == e.end() || !it->is_array()) return false;
    std::vector<PriceTier> ranges;
    for (const auto& t : *it) {
        if (!t.is_object()) return false;
        auto range = t.find("range");
        if (range == t.end() || !range->is_array() || range->empty() || !(*range)[0].is_number()) return false;
        const double from = (*range)[0].get<double>();
        auto in = number(t, "input_cost_per_token");
        auto outp = number(t, "output_cost_per_token");
        if (!in || !outp || !(from >= 0 && from < 1e12)) return false;
        // A missing cache-read rate bills cached tokens as input (as for a flat entry).
        ranges.push_back(
            {static_cast<std::int64_t>(from), rates_with_suffix(t, "", {*in, *outp, *in, *in, std::nullopt})});
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const PriceTier& a, const PriceTier& b) { return a.above_tokens < b.above_tokens; });
    if (ranges.empty() || ranges.front().above_tokens != 0) return false;
    p.base = ranges.front().rates;
    p.tiers.assign(ranges.begin() + 1, ranges.end());
    return true;
}

}  // namespace

std::vector<ModelPrice> parse_litellm_prices(std::string_view json_text, std::vector<std::string>* skipped) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(std::string("price file is not valid JSON: ") + e.what());
    } catch (const nlohmann::json::out_of_range& e) {
        // `1e400`: valid JSON, but no number to check, so no model to skip.
        throw std::runtime_error(std::string("price file holds a number out of range: ") + e.what());
    }
    if (!doc.is_object()) throw std::runtime_error("price file: top level is not a JSON object");
    std::vector<ModelPrice> out;
    for (const auto& [key, e] : doc.items()) {
        if (!e.is_object()) continue;
        try {
            ModelPrice p;
            p.model = key;
            if (auto prov = e.find("litellm_provider"); prov != e.end() && prov->is_string()) p.provider = *prov;
            auto in = number(e, "input_cost_per_token");
            auto outp = number(e, "output_cost_per_token");
            if (in && outp) {
                Rates defaults{*in, *outp, *in, *in, std::nullopt};
                p.base = rates_with_suffix(e, "", defaults);
                for (auto [suffix, threshold] : kSuffixTiers) {
                    if (!number(e, std::string("input_cost_per_token") + suffix)) continue;
                    p.tiers.push_back({threshold, rates_with_suffix(e, suffix, p.base)});
                }
            } else if (!read_tiered_pricing(e, p)) {
                continue;  // `sample_spec` and non-token-priced entries
            }
            out.push_back(std::move(p));
        } catch (const BadRate& bad) {
            if (skipped) skipped->push_back("model '" + key + "': " + bad.what());
        }
    }
    if (out.empty()) throw std::runtime_error("price file holds no priced models");
    return out;
}

}  // namespace usage
