// builtin_prices.cpp — the curated built-in model price table.
//
// The last layer of the PriceBook: USD per million tokens for the models
// coding agents actually report, under the ids they report them with.
// Curated by hand from the LiteLLM price snapshot of 2026-07-24 (per-token
// prices x 1e6), with the data errors noted inline corrected. Prices change;
// users override single models in the config file and pull a fresh LiteLLM
// file with `usage-agent prices update`, and both take precedence over this
// table, so it only needs to be a good default, not complete.
//
// Row layout:
//   {id, provider, {input, output, cache_read, cache_write_5m, cache_write_1h},
//    {{above_tokens, {tier rates, same order}}, ...}}
// cache_write_1h = std::nullopt means "2x input" (Anthropic's rule), and no
// tiers means flat pricing.

#include <optional>
#include <vector>

#include "usage/pricing/pricing.hpp"

namespace usage {

const std::vector<ModelPrice>& builtin_prices() {
    // Function-local so it is built on first use and has no static
    // initialisation order problems with the PriceBook that copies it.
    // clang-format off
    static const std::vector<ModelPrice> table = {
        // Anthropic API, newest first. Undated aliases are listed once (the
        // resolver strips -YYYYMMDD suffixes); dated ids are kept where LiteLLM
        // has them so an exact match reports the id the user sees. Cache reads
        // are 0.1x input, 5m writes 1.25x, 1h writes 2x. Sonnet 4 / 4.5 have a
        // 1M-context beta billed at the >200k tier.
        {"claude-opus-5", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-sonnet-5", "anthropic", {2.0, 10.0, 0.2, 2.5, 4.0}, {}},
        {"claude-fable-5", "anthropic", {10.0, 50.0, 1.0, 12.5, 20.0}, {}},
        {"claude-opus-4-8", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-opus-4-7", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-opus-4-7-20260416", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-opus-4-6", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-opus-4-6-20260205", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-opus-4-5", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-opus-4-5-20251101", "anthropic", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"claude-opus-4-1", "anthropic", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"claude-opus-4-1-20250805", "anthropic", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"claude-opus-4", "anthropic", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"claude-opus-4-20250514", "anthropic", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"claude-sonnet-4-6", "anthropic", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},
        {"claude-sonnet-4-5", "anthropic", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, 12.0}}}},
        {"claude-sonnet-4-5-20250929", "anthropic", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, 12.0}}}},
        {"claude-sonnet-4", "anthropic", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"claude-sonnet-4-20250514", "anthropic", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"claude-haiku-4-5", "anthropic", {1.0, 5.0, 0.1, 1.25, 2.0}, {}},
        {"claude-haiku-4-5-20251001", "anthropic", {1.0, 5.0, 0.1, 1.25, 2.0}, {}},

        // Claude 3.x: retired or legacy, but still in old session logs.
        {"claude-3-7-sonnet", "anthropic", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},
        {"claude-3-7-sonnet-20250219", "anthropic", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},
        // LiteLLM has no direct-API rows for 3.5 Sonnet / 3.5 Haiku; Bedrock's
        // on-demand prices are Anthropic's list prices, so they are used here.
        {"claude-3-5-sonnet", "anthropic", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"claude-3-5-haiku", "anthropic", {0.8, 4.0, 0.08, 1.0, std::nullopt}, {}},
        // LiteLLM's 1h write for Claude 3 Haiku / Opus is $6 (24x / 0.4x
        // input), a data error; left empty so the 2x-input rule gives $0.50 /
        // $30.
        {"claude-3-haiku", "anthropic", {0.25, 1.25, 0.03, 0.3, std::nullopt}, {}},
        {"claude-3-haiku-20240307", "anthropic", {0.25, 1.25, 0.03, 0.3, std::nullopt}, {}},
        {"claude-3-opus", "anthropic", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"claude-3-opus-20240229", "anthropic", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},

        // Amazon Bedrock, under the ids Bedrock reports: plain `anthropic.`
        // (in-region), `global.` (global cross-region, list price) and
        // geographic cross-region profiles (`us.`, `eu.`, `au.`, `jp.`,
        // `apac.`), which carry a 10% premium from Sonnet 4.5 on. Prices are as
        // LiteLLM lists them, quirks included (e.g. eu. Opus 4.5 without the
        // premium): a bill that differs is what config overrides are for. No 1h
        // price listed -> 2x input.
        {"anthropic.claude-opus-5", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"global.anthropic.claude-opus-5", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"us.anthropic.claude-opus-5", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"eu.anthropic.claude-opus-5", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"au.anthropic.claude-opus-5", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"jp.anthropic.claude-opus-5", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"anthropic.claude-sonnet-5", "bedrock", {2.0, 10.0, 0.2, 2.5, 4.0}, {}},
        {"global.anthropic.claude-sonnet-5", "bedrock", {2.0, 10.0, 0.2, 2.5, 4.0}, {}},
        {"us.anthropic.claude-sonnet-5", "bedrock", {2.2, 11.0, 0.22, 2.75, 4.4}, {}},
        {"eu.anthropic.claude-sonnet-5", "bedrock", {2.2, 11.0, 0.22, 2.75, 4.4}, {}},
        {"au.anthropic.claude-sonnet-5", "bedrock", {2.2, 11.0, 0.22, 2.75, 4.4}, {}},
        {"jp.anthropic.claude-sonnet-5", "bedrock", {2.2, 11.0, 0.22, 2.75, 4.4}, {}},
        {"anthropic.claude-fable-5", "bedrock", {10.0, 50.0, 1.0, 12.5, 20.0}, {}},
        {"global.anthropic.claude-fable-5", "bedrock", {10.0, 50.0, 1.0, 12.5, 20.0}, {}},
        {"us.anthropic.claude-fable-5", "bedrock", {11.0, 55.0, 1.1, 13.75, 22.0}, {}},
        {"eu.anthropic.claude-fable-5", "bedrock", {11.0, 55.0, 1.1, 13.75, 22.0}, {}},
        {"anthropic.claude-opus-4-8", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"global.anthropic.claude-opus-4-8", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"us.anthropic.claude-opus-4-8", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"eu.anthropic.claude-opus-4-8", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"au.anthropic.claude-opus-4-8", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"jp.anthropic.claude-opus-4-8", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"anthropic.claude-opus-4-7", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"global.anthropic.claude-opus-4-7", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"us.anthropic.claude-opus-4-7", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"eu.anthropic.claude-opus-4-7", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"au.anthropic.claude-opus-4-7", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"jp.anthropic.claude-opus-4-7", "bedrock", {5.5, 27.5, 0.55, 6.875, std::nullopt}, {}},
        {"anthropic.claude-opus-4-6-v1", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"global.anthropic.claude-opus-4-6-v1", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"us.anthropic.claude-opus-4-6-v1", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"eu.anthropic.claude-opus-4-6-v1", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"au.anthropic.claude-opus-4-6-v1", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"anthropic.claude-opus-4-5-20251101-v1:0", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"global.anthropic.claude-opus-4-5-20251101-v1:0", "bedrock", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"us.anthropic.claude-opus-4-5-20251101-v1:0", "bedrock", {5.5, 27.5, 0.55, 6.875, 11.0}, {}},
        {"eu.anthropic.claude-opus-4-5-20251101-v1:0", "bedrock", {5.0, 25.0, 0.5, 6.25, std::nullopt}, {}},
        {"anthropic.claude-opus-4-1-20250805-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"us.anthropic.claude-opus-4-1-20250805-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"eu.anthropic.claude-opus-4-1-20250805-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"anthropic.claude-opus-4-20250514-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"us.anthropic.claude-opus-4-20250514-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"eu.anthropic.claude-opus-4-20250514-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"anthropic.claude-sonnet-4-6", "bedrock", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},
        {"global.anthropic.claude-sonnet-4-6", "bedrock", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},
        {"us.anthropic.claude-sonnet-4-6", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {}},
        {"eu.anthropic.claude-sonnet-4-6", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {}},
        {"au.anthropic.claude-sonnet-4-6", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {}},
        {"jp.anthropic.claude-sonnet-4-6", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {}},
        {"anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, 12.0}}}},
        {"global.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, 12.0}}}},
        {"us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {{200000, {6.6, 24.75, 0.66, 8.25, 13.2}}}},
        {"eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {{200000, {6.6, 24.75, 0.66, 8.25, 13.2}}}},
        {"au.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {{200000, {6.6, 24.75, 0.66, 8.25, 13.2}}}},
        {"jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", {3.3, 16.5, 0.33, 4.125, 6.6}, {{200000, {6.6, 24.75, 0.66, 8.25, 13.2}}}},
        {"anthropic.claude-sonnet-4-20250514-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"global.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"us.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"eu.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"apac.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", {1.0, 5.0, 0.1, 1.25, 2.0}, {}},
        {"global.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", {1.0, 5.0, 0.1, 1.25, 2.0}, {}},
        {"us.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", {1.1, 5.5, 0.11, 1.375, 2.2}, {}},
        {"eu.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", {1.1, 5.5, 0.11, 1.375, 2.2}, {}},
        {"au.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", {1.1, 5.5, 0.11, 1.375, 2.2}, {}},
        {"jp.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", {1.1, 5.5, 0.11, 1.375, 2.2}, {}},
        {"apac.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", {1.1, 5.5, 0.11, 1.375, std::nullopt}, {}},
        // Claude 3.x on Bedrock (no regional premium). LiteLLM's >200k tier for
        // 3.5 Sonnet is dropped: the model's window is 200k, so it could never
        // apply. eu.anthropic.claude-3-5-haiku is left out because LiteLLM
        // prices it as Claude 3 Haiku ($0.25/$1.25); the resolver falls back to
        // claude-3-5-haiku.
        {"anthropic.claude-3-7-sonnet-20250219-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"us.anthropic.claude-3-7-sonnet-20250219-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"us.anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"eu.anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"apac.anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"us.anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"eu.anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"apac.anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", {3.0, 15.0, 0.3, 3.75, std::nullopt}, {}},
        {"anthropic.claude-3-5-haiku-20241022-v1:0", "bedrock", {0.8, 4.0, 0.08, 1.0, std::nullopt}, {}},
        {"us.anthropic.claude-3-5-haiku-20241022-v1:0", "bedrock", {0.8, 4.0, 0.08, 1.0, std::nullopt}, {}},
        {"anthropic.claude-3-haiku-20240307-v1:0", "bedrock", {0.25, 1.25, 0.025, 0.3125, std::nullopt}, {}},
        {"us.anthropic.claude-3-haiku-20240307-v1:0", "bedrock", {0.25, 1.25, 0.025, 0.3125, std::nullopt}, {}},
        {"eu.anthropic.claude-3-haiku-20240307-v1:0", "bedrock", {0.25, 1.25, 0.025, 0.3125, std::nullopt}, {}},
        {"apac.anthropic.claude-3-haiku-20240307-v1:0", "bedrock", {0.25, 1.25, 0.025, 0.3125, std::nullopt}, {}},
        {"anthropic.claude-3-opus-20240229-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"us.anthropic.claude-3-opus-20240229-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},
        {"eu.anthropic.claude-3-opus-20240229-v1:0", "bedrock", {15.0, 75.0, 1.5, 18.75, std::nullopt}, {}},

        // Google Vertex AI, ids as LiteLLM writes them (`vertex_ai/<model>` and
        // `@<version>`); same list prices as the Anthropic API. Vertex Claude
        // 3.x rows are left out: LiteLLM has no cache prices for them, so
        // resolving via the Anthropic id prices them better.
        {"vertex_ai/claude-opus-5", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-5@default", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-sonnet-5", "vertex", {2.0, 10.0, 0.2, 2.5, 4.0}, {}},
        {"vertex_ai/claude-sonnet-5@default", "vertex", {2.0, 10.0, 0.2, 2.5, 4.0}, {}},
        {"vertex_ai/claude-fable-5", "vertex", {10.0, 50.0, 1.0, 12.5, 20.0}, {}},
        {"vertex_ai/claude-fable-5@default", "vertex", {10.0, 50.0, 1.0, 12.5, 20.0}, {}},
        {"vertex_ai/claude-opus-4-8", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-8@default", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-7", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-7@default", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-6", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-6@default", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-5", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-5@20251101", "vertex", {5.0, 25.0, 0.5, 6.25, 10.0}, {}},
        {"vertex_ai/claude-opus-4-1", "vertex", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"vertex_ai/claude-opus-4-1@20250805", "vertex", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"vertex_ai/claude-opus-4", "vertex", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"vertex_ai/claude-opus-4@20250514", "vertex", {15.0, 75.0, 1.5, 18.75, 30.0}, {}},
        {"vertex_ai/claude-sonnet-4-6", "vertex", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},
        {"vertex_ai/claude-sonnet-4-6@default", "vertex", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},
        {"vertex_ai/claude-sonnet-4-5", "vertex", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"vertex_ai/claude-sonnet-4-5@20250929", "vertex", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"vertex_ai/claude-sonnet-4", "vertex", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"vertex_ai/claude-sonnet-4@20250514", "vertex", {3.0, 15.0, 0.3, 3.75, 6.0}, {{200000, {6.0, 22.5, 0.6, 7.5, std::nullopt}}}},
        {"vertex_ai/claude-haiku-4-5", "vertex", {1.0, 5.0, 0.1, 1.25, 2.0}, {}},
        {"vertex_ai/claude-haiku-4-5@20251001", "vertex", {1.0, 5.0, 0.1, 1.25, 2.0}, {}},
        {"vertex_ai/claude-3-7-sonnet@20250219", "vertex", {3.0, 15.0, 0.3, 3.75, 6.0}, {}},

        // OpenAI. There is no cache-write premium, so cache_write_5m = input,
        // except gpt-5.6*, for which LiteLLM lists an explicit 1.25x write
        // price. Models without prompt caching (*-pro, gpt-4o-2024-05-13) bill
        // cached tokens at the input price. From gpt-5.4 on, prompts over 272k
        // tokens are billed at 2x input / 1.5x output.
        {"gpt-5.6", "openai", {5.0, 30.0, 0.5, 6.25, std::nullopt}, {{272000, {10.0, 45.0, 1.0, 12.5, std::nullopt}}}},
        {"gpt-5.6-sol", "openai", {5.0, 30.0, 0.5, 6.25, std::nullopt}, {{272000, {10.0, 45.0, 1.0, 12.5, std::nullopt}}}},
        {"gpt-5.6-terra", "openai", {2.5, 15.0, 0.25, 3.125, std::nullopt}, {{272000, {5.0, 22.5, 0.5, 6.25, std::nullopt}}}},
        {"gpt-5.6-luna", "openai", {1.0, 6.0, 0.1, 1.25, std::nullopt}, {{272000, {2.0, 9.0, 0.2, 2.5, std::nullopt}}}},
        {"gpt-5.5", "openai", {5.0, 30.0, 0.5, 5.0, std::nullopt}, {{272000, {10.0, 45.0, 1.0, 10.0, std::nullopt}}}},
        {"gpt-5.5-2026-04-23", "openai", {5.0, 30.0, 0.5, 5.0, std::nullopt}, {{272000, {10.0, 45.0, 1.0, 10.0, std::nullopt}}}},
        {"gpt-5.5-pro", "openai", {30.0, 180.0, 3.0, 30.0, std::nullopt}, {{272000, {60.0, 270.0, 6.0, 60.0, std::nullopt}}}},
        {"gpt-5.4", "openai", {2.5, 15.0, 0.25, 2.5, std::nullopt}, {{272000, {5.0, 22.5, 0.5, 5.0, std::nullopt}}}},
        {"gpt-5.4-2026-03-05", "openai", {2.5, 15.0, 0.25, 2.5, std::nullopt}, {{272000, {5.0, 22.5, 0.5, 5.0, std::nullopt}}}},
        {"gpt-5.4-mini", "openai", {0.75, 4.5, 0.075, 0.75, std::nullopt}, {}},
        {"gpt-5.4-nano", "openai", {0.2, 1.25, 0.02, 0.2, std::nullopt}, {}},
        {"gpt-5.4-pro", "openai", {30.0, 180.0, 3.0, 30.0, std::nullopt}, {{272000, {60.0, 270.0, 6.0, 60.0, std::nullopt}}}},
        {"gpt-5.3-codex", "openai", {1.75, 14.0, 0.175, 1.75, std::nullopt}, {}},
        {"gpt-5.3-chat-latest", "openai", {1.75, 14.0, 0.175, 1.75, std::nullopt}, {}},
        {"gpt-5.2", "openai", {1.75, 14.0, 0.175, 1.75, std::nullopt}, {}},
        {"gpt-5.2-2025-12-11", "openai", {1.75, 14.0, 0.175, 1.75, std::nullopt}, {}},
        {"gpt-5.2-codex", "openai", {1.75, 14.0, 0.175, 1.75, std::nullopt}, {}},
        {"gpt-5.2-chat-latest", "openai", {1.75, 14.0, 0.175, 1.75, std::nullopt}, {}},
        {"gpt-5.2-pro", "openai", {21.0, 168.0, 21.0, 21.0, std::nullopt}, {}},
        {"gpt-5.1", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5.1-2025-11-13", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5.1-codex", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5.1-codex-max", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5.1-codex-mini", "openai", {0.25, 2.0, 0.025, 0.25, std::nullopt}, {}},
        {"gpt-5.1-chat-latest", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5-2025-08-07", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5-mini", "openai", {0.25, 2.0, 0.025, 0.25, std::nullopt}, {}},
        {"gpt-5-mini-2025-08-07", "openai", {0.25, 2.0, 0.025, 0.25, std::nullopt}, {}},
        {"gpt-5-nano", "openai", {0.05, 0.4, 0.005, 0.05, std::nullopt}, {}},
        {"gpt-5-nano-2025-08-07", "openai", {0.05, 0.4, 0.005, 0.05, std::nullopt}, {}},
        {"gpt-5-codex", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5-chat-latest", "openai", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {}},
        {"gpt-5-pro", "openai", {15.0, 120.0, 15.0, 15.0, std::nullopt}, {}},
        {"codex-mini-latest", "openai", {1.5, 6.0, 0.375, 1.5, std::nullopt}, {}},
        // o-series reasoning models.
        {"o4-mini", "openai", {1.1, 4.4, 0.275, 1.1, std::nullopt}, {}},
        {"o4-mini-2025-04-16", "openai", {1.1, 4.4, 0.275, 1.1, std::nullopt}, {}},
        {"o3", "openai", {2.0, 8.0, 0.5, 2.0, std::nullopt}, {}},
        {"o3-2025-04-16", "openai", {2.0, 8.0, 0.5, 2.0, std::nullopt}, {}},
        {"o3-mini", "openai", {1.1, 4.4, 0.55, 1.1, std::nullopt}, {}},
        {"o3-pro", "openai", {20.0, 80.0, 20.0, 20.0, std::nullopt}, {}},
        {"o1", "openai", {15.0, 60.0, 7.5, 15.0, std::nullopt}, {}},
        // GPT-4.1 / GPT-4o. gpt-4o-2024-05-13 is listed because it cost twice
        // as much as the later snapshots and predates prompt caching.
        {"gpt-4.1", "openai", {2.0, 8.0, 0.5, 2.0, std::nullopt}, {}},
        {"gpt-4.1-2025-04-14", "openai", {2.0, 8.0, 0.5, 2.0, std::nullopt}, {}},
        {"gpt-4.1-mini", "openai", {0.4, 1.6, 0.1, 0.4, std::nullopt}, {}},
        {"gpt-4.1-mini-2025-04-14", "openai", {0.4, 1.6, 0.1, 0.4, std::nullopt}, {}},
        {"gpt-4.1-nano", "openai", {0.1, 0.4, 0.025, 0.1, std::nullopt}, {}},
        {"gpt-4.1-nano-2025-04-14", "openai", {0.1, 0.4, 0.025, 0.1, std::nullopt}, {}},
        {"gpt-4o", "openai", {2.5, 10.0, 1.25, 2.5, std::nullopt}, {}},
        {"gpt-4o-2024-11-20", "openai", {2.5, 10.0, 1.25, 2.5, std::nullopt}, {}},
        {"gpt-4o-2024-08-06", "openai", {2.5, 10.0, 1.25, 2.5, std::nullopt}, {}},
        {"gpt-4o-2024-05-13", "openai", {5.0, 15.0, 5.0, 5.0, std::nullopt}, {}},
        {"gpt-4o-mini", "openai", {0.15, 0.6, 0.075, 0.15, std::nullopt}, {}},
        {"gpt-4o-mini-2024-07-18", "openai", {0.15, 0.6, 0.075, 0.15, std::nullopt}, {}},

        // Google Gemini: AI Studio prices (`gemini/...` in LiteLLM) under the
        // bare id. Implicit caching has no write charge, so cache_write_5m =
        // input (explicit-cache storage fees are not modelled). Pro models bill
        // the >200k tier.
        {"gemini-3.6-flash", "google", {1.5, 7.5, 0.15, 1.5, std::nullopt}, {}},
        {"gemini-3.5-flash", "google", {1.5, 9.0, 0.15, 1.5, std::nullopt}, {}},
        {"gemini-3.5-flash-lite", "google", {0.3, 2.5, 0.03, 0.3, std::nullopt}, {}},
        {"gemini-3.1-pro-preview", "google", {2.0, 12.0, 0.2, 2.0, std::nullopt}, {{200000, {4.0, 18.0, 0.4, 4.0, std::nullopt}}}},
        {"gemini-3.1-flash-lite", "google", {0.25, 1.5, 0.025, 0.25, std::nullopt}, {}},
        {"gemini-3.1-flash-lite-preview", "google", {0.25, 1.5, 0.025, 0.25, std::nullopt}, {}},
        {"gemini-3-pro-preview", "google", {2.0, 12.0, 0.2, 2.0, std::nullopt}, {{200000, {4.0, 18.0, 0.4, 4.0, std::nullopt}}}},
        {"gemini-3-flash-preview", "google", {0.5, 3.0, 0.05, 0.5, std::nullopt}, {}},
        {"gemini-2.5-pro", "google", {1.25, 10.0, 0.125, 1.25, std::nullopt}, {{200000, {2.5, 15.0, 0.25, 2.5, std::nullopt}}}},
        {"gemini-2.5-flash", "google", {0.3, 2.5, 0.03, 0.3, std::nullopt}, {}},
        {"gemini-2.5-flash-lite", "google", {0.1, 0.4, 0.01, 0.1, std::nullopt}, {}},
        {"gemini-2.0-flash", "google", {0.1, 0.4, 0.025, 0.1, std::nullopt}, {}},
        {"gemini-2.0-flash-lite", "google", {0.075, 0.3, 0.01875, 0.075, std::nullopt}, {}},

        // Alibaba Qwen (Model Studio international, `dashscope/...` in
        // LiteLLM): billed by prompt size in ranges, the whole call at its
        // range's rates. No cache-write charge is listed: writes at input.
        // Qwen Code's `coder-model` is the free Qwen OAuth tier: unpriced.
        {"qwen3-coder-plus", "dashscope", {1.0, 5.0, 0.1, 1.0, std::nullopt},
         {{32000, {1.8, 9.0, 0.18, 1.8, std::nullopt}}, {128000, {3.0, 15.0, 0.3, 3.0, std::nullopt}},
          {256000, {6.0, 60.0, 0.6, 6.0, std::nullopt}}}},
        {"qwen3-coder-flash", "dashscope", {0.3, 1.5, 0.08, 0.3, std::nullopt},
         {{32000, {0.5, 2.5, 0.12, 0.5, std::nullopt}}, {128000, {0.8, 4.0, 0.2, 0.8, std::nullopt}},
          {256000, {1.6, 9.6, 0.4, 1.6, std::nullopt}}}},
        {"qwen3-max", "dashscope", {1.2, 6.0, 1.2, 1.2, std::nullopt},
         {{32000, {2.4, 12.0, 2.4, 2.4, std::nullopt}}, {128000, {3.0, 15.0, 3.0, 3.0, std::nullopt}}}},

        // Open-weight and other providers' models that the VS Code agents,
        // Kilo, Goose and Droid users pick most, at their makers' own API
        // prices (through a router the tool's recorded cost is used instead).
        {"grok-code-fast-1", "xai", {0.2, 1.5, 0.02, 0.2, std::nullopt}, {}},
        {"grok-4", "xai", {3.0, 15.0, 3.0, 3.0, std::nullopt}, {}},
        {"glm-4.7", "zai", {0.6, 2.2, 0.11, 0.0, std::nullopt}, {}},
        {"glm-4.6", "zai", {0.6, 2.2, 0.11, 0.0, std::nullopt}, {}},
        {"glm-4.5", "zai", {0.6, 2.2, 0.6, 0.6, std::nullopt}, {}},
        {"glm-4.5-air", "zai", {0.2, 1.1, 0.2, 0.2, std::nullopt}, {}},
        {"kimi-k2.5", "moonshot", {0.6, 3.0, 0.1, 0.6, std::nullopt}, {}},
        {"kimi-k2-thinking", "moonshot", {0.6, 2.5, 0.15, 0.6, std::nullopt}, {}},
        {"kimi-k2-0905-preview", "moonshot", {0.6, 2.5, 0.15, 0.6, std::nullopt}, {}},
        {"deepseek-chat", "deepseek", {0.28, 0.42, 0.028, 0.28, std::nullopt}, {}},
        {"deepseek-reasoner", "deepseek", {0.28, 0.42, 0.028, 0.28, std::nullopt}, {}},
        {"minimax-m2", "minimax", {0.3, 1.2, 0.03, 0.375, std::nullopt}, {}},
        {"minimax-m2.5", "minimax", {0.3, 1.2, 0.03, 0.375, std::nullopt}, {}},
    };
    // clang-format on
    return table;
}

}  // namespace usage
