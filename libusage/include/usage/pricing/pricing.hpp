// usage/pricing/pricing.hpp — model prices and the cost of one call.
//
// Prices are USD per million tokens, so `tokens * price` is micro-dollars.
// A PriceBook holds three layers: user overrides (config), an optional
// LiteLLM-format file (`prices update`), and the curated built-in table.
// Model ids are matched exactly first, then by the normalisation documented
// in docs/architecture.md (provider prefixes, Bedrock/Vertex wrappers, date
// suffixes); never by substring.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "usage/model/event.hpp"

namespace usage {

struct ModelPrice;

/// The highest rate accepted for one token class: USD 10,000 per million
/// tokens ($0.01 per token), 16 times the dearest real price (o1-pro output,
/// $600 per million). A rate above it is a unit mistake (a per-million price
/// written per token) or a data error, never a price: LiteLLM's file carries
/// a few such entries (e.g. $0.54 per token). Every rate is a finite number
/// from 0 to this; config overrides and `prices update` refuse anything else.
inline constexpr double kMaxPricePerMillion = 10'000;
inline constexpr std::string_view kPriceRule = "not a price (0..10000 USD per million tokens)";

/// Whether `per_million` is an acceptable rate: finite, 0..kMaxPricePerMillion.
constexpr bool is_plausible_price(double per_million) {
    return per_million >= 0 && per_million <= kMaxPricePerMillion;  // false for NaN
}

/// The first rate of `price` that is not plausible, as `field`/`value`
/// (`input`, `tier.output`, ...); false when every rate is.
bool find_implausible_rate(const ModelPrice& price, std::string& field, double& value);

/// Per-million-token rates of one class of request.
struct Rates {
    double input = 0;
    double output = 0;
    double cache_read = 0;
    double cache_write_5m = 0;
    /// 1-hour cache writes; when absent, 2x input.
    std::optional<double> cache_write_1h;
};

/// A long-context tier: a request whose prompt (input + cache read + cache
/// writes) exceeds `above_tokens` bills every token class at `rates` (a rate
/// of 0 there: the base rate). Some providers have one tier (Anthropic's and
/// Google's >200k), others several (Alibaba's Qwen: 32k, 128k, 256k).
struct PriceTier {
    std::int64_t above_tokens = 0;
    Rates rates;
};

/// Prices of one model: base rates, and the long-context tiers in ascending
/// order of `above_tokens`; the highest tier the prompt exceeds applies.
struct ModelPrice {
    std::string model;
    std::string provider;
    Rates base;
    std::vector<PriceTier> tiers;  ///< empty = flat pricing
};

/// Where a resolved price came from.
enum class PriceSource { override_config, price_file, builtin };
std::string_view to_string(PriceSource source);

struct ResolvedPrice {
    ModelPrice price;
    PriceSource source = PriceSource::builtin;
    std::string matched_id;  ///< the table key that matched
};

/// The curated built-in table (libusage/src/builtin_prices.cpp).
const std::vector<ModelPrice>& builtin_prices();

/// Parse a LiteLLM `model_prices_and_context_window.json` document. Entries
/// without input and output prices are skipped; implausible 1-hour write
/// ratios are replaced by 2x input. A model with a rate that is not a price
/// (negative, above kMaxPricePerMillion, not a number) is left out and, when
/// `skipped` is given, named there with its field and value: one bad entry
/// among thousands must not cost the user the rest. Throws
/// std::runtime_error on bad JSON or when no model is left.
std::vector<ModelPrice> parse_litellm_prices(std::string_view json_text, std::vector<std::string>* skipped = nullptr);

/// Candidate ids for `model`, most specific first (exact id first).
std::vector<std::string> normalised_model_ids(std::string_view model);

/// Micro-dollars for `tokens` at `price` (tiers and 1h writes applied).
/// `aggregate`: the counts are a sum of several calls (UsageEvent::aggregate),
/// so no tier applies (a tier is decided on one call's prompt, and the sum's
/// "prompt" says nothing about any single call's): base rates throughout.
std::int64_t cost_micros(const ModelPrice& price, const TokenCounts& tokens, bool aggregate = false);

/// The cost of one event and where it came from.
struct PricedCost {
    std::optional<std::int64_t> micros;  ///< empty when unpriced
    CostOrigin origin = CostOrigin::unpriced;
};

class PriceBook {
public:
    PriceBook();  ///< built-in table only
    PriceBook(const PriceBook&) = delete;
    PriceBook& operator=(const PriceBook&) = delete;
    void set_overrides(std::vector<ModelPrice> overrides);
    void set_price_file(std::vector<ModelPrice> prices);

    /// The price for `model`, or nullopt when no layer knows it.
    [[nodiscard]] std::optional<ResolvedPrice> resolve(std::string_view model) const;

    /// The cost by the precedence rule: user override > cost reported by the
    /// tool > estimate from prices > unpriced. An aggregate event is
    /// estimated at base rates (see cost_micros).
    [[nodiscard]] PricedCost evaluate(const UsageEvent& event) const;
    /// Fill `event.cost_micros` / `cost_origin` from evaluate().
    void price(UsageEvent& event) const;

    /// A digest of every layer and of the matching and pricing rules, stored
    /// with the events so a change of either triggers a re-price.
    [[nodiscard]] std::string fingerprint() const;

private:
    struct Layer {
        std::map<std::string, ModelPrice, std::less<>> by_id;
    };
    [[nodiscard]] std::optional<ResolvedPrice> find_in(const Layer& layer, PriceSource source,
                                                       std::string_view model) const;
    // Resolution walks several normalised ids per layer; sync prices tens of
    // thousands of events with a handful of models, so results are memoised.
    mutable std::mutex memo_mutex_;
    mutable std::unordered_map<std::string, std::optional<ResolvedPrice>> memo_;
    Layer overrides_;
    Layer file_;
    Layer builtin_;
    std::string fingerprint_;
    void refresh_fingerprint();
};

}  // namespace usage
