// Pricing: cost arithmetic, long-context tiers, 1-hour writes, precedence,
// unpriced models, id normalisation and the LiteLLM loader.
#include "usage/pricing/pricing.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

using usage::ModelPrice;
using usage::TokenCounts;

namespace {
ModelPrice sonnet_like() {
    ModelPrice p;
    p.model = "test-sonnet";
    p.base = {3.0, 15.0, 0.3, 3.75, 6.0};
    p.tiers = {{200000, {6.0, 22.5, 0.6, 7.5, 12.0}}};
    return p;
}
}  // namespace

TEST_CASE("cost: tokens x USD per million = micro-dollars, every class") {
    TokenCounts t{1000, 2000, 0, 10000, 4000, 1000};
    // 1000*3 + 2000*15 + 10000*0.3 + 4000*3.75 + 1000*6 = 3000+30000+3000+15000+6000
    CHECK(usage::cost_micros(sonnet_like(), t) == 57000);
}

TEST_CASE("cost: a prompt above the tier threshold bills EVERY class at the tier rate") {
    TokenCounts below{100000, 1000, 0, 99000, 1000, 0};  // prompt 200,000: not above
    CHECK(usage::cost_micros(sonnet_like(), below) == 100000 * 3 + 1000 * 15 + 99000 * 0.3 + 1000 * 3.75);
    TokenCounts above{100001, 1000, 0, 99000, 1000, 0};  // prompt 200,001
    CHECK(usage::cost_micros(sonnet_like(), above) == 100001 * 6 + 1000 * 22.5 + 99000 * 0.6 + 1000 * 7.5);
}

TEST_CASE("cost: with several tiers the highest one the prompt exceeds bills the whole call") {
    ModelPrice p;
    p.base = {1.0, 5.0, 0.1, 1.0, std::nullopt};
    // Listed out of order on purpose: a config or price file may do that.
    p.tiers = {{128000, {3.0, 15.0, 0.3, 0, std::nullopt}}, {32000, {1.8, 9.0, 0.18, 0, std::nullopt}}};
    CHECK(usage::cost_micros(p, TokenCounts{32000, 100, 0, 0, 0, 0}) == 32000 * 1 + 100 * 5);
    CHECK(usage::cost_micros(p, TokenCounts{30000, 100, 0, 2001, 0, 0}) ==
          std::llround(30000 * 1.8 + 100 * 9.0 + 2001 * 0.18));
    CHECK(usage::cost_micros(p, TokenCounts{128001, 100, 0, 0, 0, 0}) == 128001 * 3 + 100 * 15);
    // A tier's 0 rate is the base rate (cache writes here).
    CHECK(usage::cost_micros(p, TokenCounts{130000, 0, 0, 0, 1000, 0}) == 130000 * 3 + 1000 * 1);
}

TEST_CASE("LiteLLM loader: tiered_pricing ranges and several suffixed tiers") {
    const std::string doc = R"({
      "dashscope/q": {"litellm_provider": "dashscope", "tiered_pricing": [
          {"cache_read_input_token_cost": 1.8e-07, "input_cost_per_token": 1.8e-06, "output_cost_per_token": 9e-06,
           "range": [32000.0, 128000.0]},
          {"cache_read_input_token_cost": 1e-07, "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06,
           "range": [0, 32000.0]},
          {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "range": [128000.0, 256000.0]}]},
      "no-base-range": {"tiered_pricing": [{"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06,
                                            "range": [1000, 2000]}]},
      "two-suffixes": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                       "input_cost_per_token_above_272k_tokens": 4e-06,
                       "input_cost_per_token_above_128k_tokens": 3e-06}
    })";
    auto prices = usage::parse_litellm_prices(doc);
    REQUIRE(prices.size() == 2);  // a tier list without a range from 0 has no base rate: skipped
    const auto& q = prices[0].model == "dashscope/q" ? prices[0] : prices[1];
    const auto& two = prices[0].model == "dashscope/q" ? prices[1] : prices[0];
    CHECK(q.provider == "dashscope");
    CHECK(q.base.input == 1.0);
    CHECK(q.base.cache_read == 0.1);
    REQUIRE(q.tiers.size() == 2);
    CHECK(q.tiers[0].above_tokens == 32000);
    CHECK(q.tiers[0].rates.output == 9.0);
    CHECK(q.tiers[1].above_tokens == 128000);
    CHECK(q.tiers[1].rates.cache_read == 3.0);  // no cache rate in the range: input's
    REQUIRE(two.tiers.size() == 2);
    CHECK(two.tiers[0].above_tokens == 128000);
    CHECK(two.tiers[0].rates.input == 3.0);
    CHECK(two.tiers[1].above_tokens == 272000);
    CHECK(two.tiers[1].rates.output == 2.0);  // not given for the tier: base rate
}

TEST_CASE("cost: 1-hour writes at the 1h rate, 2x input when absent") {
    ModelPrice p = sonnet_like();
    TokenCounts t{0, 0, 0, 0, 0, 100000};
    CHECK(usage::cost_micros(p, t) == 600000);
    p.base.cache_write_1h.reset();
    CHECK(usage::cost_micros(p, t) == 600000);  // 2 x 3.0
    p.base.input = 5.0;
    CHECK(usage::cost_micros(p, t) == 1000000);
    // Above the tier threshold the tier's own 1h rate applies.
    TokenCounts big{0, 0, 0, 0, 0, 1000000};
    CHECK(usage::cost_micros(p, big) == 12000000);
}

TEST_CASE("normalisation: exact first, then documented wrappers, never substrings") {
    CHECK(usage::normalised_model_ids("us.anthropic.claude-sonnet-4-5-20250929-v1:0") ==
          std::vector<std::string>{"us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                                   "anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929",
                                   "claude-sonnet-4-5"});

    auto vertex = usage::normalised_model_ids("claude-opus-4-1@20250805");
    CHECK(std::find(vertex.begin(), vertex.end(), "claude-opus-4-1-20250805") != vertex.end());
    CHECK(std::find(vertex.begin(), vertex.end(), "claude-opus-4-1") != vertex.end());

    auto routed = usage::normalised_model_ids("openrouter/anthropic/claude-haiku-4-5");
    CHECK(std::find(routed.begin(), routed.end(), "claude-haiku-4-5") != routed.end());

    auto dated = usage::normalised_model_ids("gpt-4o-2024-08-06");
    CHECK(dated.back() == "gpt-4o");

    // Claude versions with a dot (GitHub Copilot's, OpenRouter's spelling).
    CHECK(usage::normalised_model_ids("claude-sonnet-4.5") ==
          std::vector<std::string>{"claude-sonnet-4.5", "claude-sonnet-4-5"});
    CHECK(usage::normalised_model_ids("anthropic/claude-opus-4.1") ==
          std::vector<std::string>{"anthropic/claude-opus-4.1", "claude-opus-4.1", "claude-opus-4-1"});
    CHECK(usage::normalised_model_ids("gpt-5.1-codex") == std::vector<std::string>{"gpt-5.1-codex"});

    // Nothing shorter than the model itself is ever tried.
    for (const auto& id : usage::normalised_model_ids("claude-sonnet-4-5")) CHECK(id == "claude-sonnet-4-5");
}

TEST_CASE("PriceBook: built-in table resolves the ids users see") {
    usage::PriceBook book;
    for (const char* m : {"claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514", "claude-opus-4-1-20250805",
                          "claude-haiku-4-5-20251001", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "gpt-5",
                          "gpt-5-codex", "gemini-2.5-pro", "anthropic/claude-sonnet-4-5"}) {
        INFO(m);
        CHECK(book.resolve(m).has_value());
    }
    auto direct = book.resolve("claude-sonnet-4-5-20250929");
    REQUIRE(direct);
    CHECK(direct->price.base.input == doctest::Approx(3.0));
    CHECK(direct->price.base.output == doctest::Approx(15.0));
    // Regional Bedrock ids carry their own (premium) price, matched exactly.
    auto bedrock = book.resolve("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    REQUIRE(bedrock);
    CHECK(bedrock->matched_id == "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    CHECK(bedrock->price.base.input == doctest::Approx(3.3));
    CHECK_FALSE(book.resolve("totally-unknown-model").has_value());
    CHECK_FALSE(book.resolve("sonnet").has_value());  // no substring guessing
}

TEST_CASE("PriceBook precedence: override > reported > estimate > unpriced") {
    usage::PriceBook book;
    usage::UsageEvent e;
    e.model = "claude-sonnet-4-5-20250929";
    e.tokens = {100000, 0, 0, 0, 0, 0};

    book.price(e);
    CHECK(e.cost_origin == usage::CostOrigin::estimated);
    CHECK(e.cost_micros == 300000);

    e.reported_cost_micros = 1234567;
    book.price(e);
    CHECK(e.cost_origin == usage::CostOrigin::reported);
    CHECK(e.cost_micros == 1234567);

    ModelPrice o;
    o.model = "claude-sonnet-4-5";
    o.base = {1.0, 1.0, 1.0, 1.0, std::nullopt};
    book.set_overrides({o});
    book.price(e);
    CHECK(e.cost_origin == usage::CostOrigin::override_price);
    CHECK(e.cost_micros == 100000);

    usage::UsageEvent unknown;
    unknown.model = "my-private-model";
    unknown.tokens.input = 5;
    book.price(unknown);
    CHECK(unknown.cost_origin == usage::CostOrigin::unpriced);
    CHECK_FALSE(unknown.cost_micros.has_value());
}

TEST_CASE("PriceBook fingerprint changes with any layer") {
    usage::PriceBook a, b;
    CHECK(a.fingerprint() == b.fingerprint());
    ModelPrice o;
    o.model = "x";
    o.base = {1, 2, 3, 4, std::nullopt};
    b.set_overrides({o});
    CHECK(a.fingerprint() != b.fingerprint());
}

TEST_CASE("LiteLLM loader: skips non-models, converts per token, sanity-checks 1h writes, reads tiers") {
    const std::string doc = R"({
      "sample_spec": {"max_tokens": "set to max"},
      "m-plain": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "litellm_provider": "anthropic",
                  "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06,
                  "cache_creation_input_token_cost_above_1hr": 6e-06,
                  "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05},
      "m-bad-1h": {"input_cost_per_token": 2.5e-07, "output_cost_per_token": 1.25e-06,
                   "cache_creation_input_token_cost_above_1hr": 6e-06},
      "image-only": {"output_cost_per_image": 0.04}
    })";
    auto prices = usage::parse_litellm_prices(doc);
    REQUIRE(prices.size() == 2);
    const auto& plain = prices[0].model == "m-plain" ? prices[0] : prices[1];
    const auto& bad = prices[0].model == "m-plain" ? prices[1] : prices[0];
    CHECK(plain.base.input == 3.0);
    CHECK(plain.base.output == 15.0);
    CHECK(plain.base.cache_read == 0.3);
    CHECK(plain.base.cache_write_5m == 3.75);
    CHECK(plain.base.cache_write_1h == 6.0);
    CHECK(plain.provider == "anthropic");
    REQUIRE(plain.tiers.size() == 1);
    CHECK(plain.tiers[0].above_tokens == 200000);
    CHECK(plain.tiers[0].rates.input == 6.0);
    CHECK(plain.tiers[0].rates.output == 22.5);
    CHECK(plain.tiers[0].rates.cache_read == 0.3);     // not given for the tier: base rate
    CHECK_FALSE(bad.base.cache_write_1h.has_value());  // 24x input is a data error
    CHECK_THROWS_WITH_AS(usage::parse_litellm_prices("{nope"), doctest::Contains("not valid JSON"), std::runtime_error);
}

TEST_CASE("LiteLLM loader on the shared snapshot (skips when ../shared is absent)") {
    auto shared = testing::shared_dir("the LiteLLM snapshot");
    if (!shared) return;
    std::vector<std::string> skipped;
    auto prices = usage::parse_litellm_prices(testing::read_file(*shared / "data" / "litellm_prices.json"), &skipped);
    CHECK(prices.size() == 2504);  // 18 of them priced by tiered_pricing only (Qwen)
    // The snapshot's data errors: W&B entries priced per million in the per-token fields.
    CHECK(skipped.size() == 11);
    for (const auto& s : skipped) CHECK(s.starts_with("model 'wandb/"));
    CHECK(std::find(skipped.begin(), skipped.end(),
                    "model 'wandb/deepseek-ai/DeepSeek-R1-0528': input_cost_per_token is 0.135, not a price (0..0.01 "
                    "USD per token)") != skipped.end());
    usage::PriceBook book;
    book.set_price_file(prices);
    auto r = book.resolve("claude-sonnet-4-5-20250929");
    REQUIRE(r);
    CHECK(r->source == usage::PriceSource::price_file);
    CHECK(r->price.base.input == 3.0);
    CHECK(r->price.base.cache_write_1h == 6.0);
    REQUIRE(r->price.tiers.size() == 1);
    CHECK(r->price.tiers[0].above_tokens == 200000);
    // Alibaba's Qwen: a tiered_pricing list of four prompt ranges, the same
    // rates as the built-in table's.
    auto qwen = std::find_if(prices.begin(), prices.end(),
                             [](const ModelPrice& p) { return p.model == "dashscope/qwen3-coder-plus"; });
    REQUIRE(qwen != prices.end());
    auto builtin = std::find_if(usage::builtin_prices().begin(), usage::builtin_prices().end(),
                                [](const ModelPrice& p) { return p.model == "qwen3-coder-plus"; });
    REQUIRE(builtin != usage::builtin_prices().end());
    CHECK(qwen->base.input == 1.0);
    CHECK(qwen->base.cache_read == 0.1);
    REQUIRE(qwen->tiers.size() == 3);
    CHECK(qwen->tiers[2].above_tokens == 256000);
    CHECK(qwen->tiers[2].rates.output == 60.0);
    REQUIRE(builtin->tiers.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(builtin->tiers[i].above_tokens == qwen->tiers[i].above_tokens);
        CHECK(builtin->tiers[i].rates.input == qwen->tiers[i].rates.input);
        CHECK(builtin->tiers[i].rates.output == qwen->tiers[i].rates.output);
        CHECK(builtin->tiers[i].rates.cache_read == qwen->tiers[i].rates.cache_read);
    }
    auto gpt = book.resolve("gpt-5.1-codex");
    REQUIRE(gpt);
    CHECK(gpt->price.base.input == 1.25);
    CHECK(gpt->price.base.cache_read == 0.125);
}

TEST_CASE("LiteLLM loader: a model whose rate is not a price is skipped and named, the rest is kept") {
    const std::string doc = R"({
      "good": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05},
      "at-cap": {"input_cost_per_token": 0.01, "output_cost_per_token": 0.01},
      "negative": {"input_cost_per_token": -1e-06, "output_cost_per_token": 1.5e-05},
      "per-million-by-mistake": {"input_cost_per_token": 3, "output_cost_per_token": 15},
      "bad-cache": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                    "cache_read_input_token_cost": 0.5},
      "bad-tier": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                   "input_cost_per_token_above_200k_tokens": 1e300}
    })";
    std::vector<std::string> skipped;
    auto prices = usage::parse_litellm_prices(doc, &skipped);
    REQUIRE(prices.size() == 2);
    CHECK(prices[0].model == "at-cap");
    CHECK(prices[0].base.input == 10000.0);
    CHECK(prices[1].model == "good");
    CHECK(skipped == std::vector<std::string>{
                         "model 'bad-cache': cache_read_input_token_cost is 0.5, not a price (0..0.01 USD per token)",
                         "model 'bad-tier': input_cost_per_token_above_200k_tokens is 1e+300, not a price (0..0.01 "
                         "USD per token)",
                         "model 'negative': input_cost_per_token is -1e-06, not a price (0..0.01 USD per token)",
                         "model 'per-million-by-mistake': input_cost_per_token is 3, not a price (0..0.01 USD per "
                         "token)"});
    CHECK_THROWS_WITH_AS(usage::parse_litellm_prices(R"({"m": {"input_cost_per_token": 1e400}})"),
                         "price file holds a number out of range: [json.exception.out_of_range.406] number overflow "
                         "parsing '1e400'",
                         std::runtime_error);
    CHECK_THROWS_WITH_AS(usage::parse_litellm_prices(R"({"negative": {"input_cost_per_token": -1,
                                                        "output_cost_per_token": 1}})"),
                         "price file holds no priced models", std::runtime_error);
}

TEST_CASE("prices: a rate is plausible from 0 to 10000 USD per million tokens, finite") {
    CHECK(usage::is_plausible_price(0));
    CHECK(usage::is_plausible_price(10000));
    CHECK_FALSE(usage::is_plausible_price(10000.001));
    CHECK_FALSE(usage::is_plausible_price(-0.001));
    CHECK_FALSE(usage::is_plausible_price(std::nan("")));
    CHECK_FALSE(usage::is_plausible_price(std::numeric_limits<double>::infinity()));
    usage::ModelPrice p;
    p.base = {3, 15, 0.3, 3.75, std::nullopt};
    p.tiers = {{200000, {6, 22.5, 0.6, 7.5, 20000.0}}};
    std::string field;
    double value = 0;
    CHECK(usage::find_implausible_rate(p, field, value));
    CHECK(field == "tier.cache_write_1h");
    CHECK(value == 20000.0);
    p.tiers[0].rates.cache_write_1h = 12.0;
    CHECK_FALSE(usage::find_implausible_rate(p, field, value));
}
