// Droid's counting rules without files: the model-name mapping, the
// difference of two tokenUsage observations, the state, the split.
#include <doctest/doctest.h>

#include "../droid_models.hpp"
#include "../droid_usage.hpp"
#include "usage/model/token_limits.hpp"
#include "usage/scan/source.hpp"

using namespace usage::plugins::droid;

TEST_CASE("droid models: custom names map to the price table's ids") {
    CHECK(pricing_model_of("custom:Claude-Sonnet-4-[Anthropic]") == "claude-sonnet-4");
    CHECK(pricing_model_of("custom:Claude-Opus-4.5-Thinking-[Anthropic]-0") == "claude-opus-4-5");
    CHECK(pricing_model_of("custom:Claude Sonnet 4.5 [Anthropic]") == "claude-sonnet-4-5");
    CHECK(pricing_model_of("custom:GPT-5.1-Codex-[OpenAI]-12") == "gpt-5.1-codex");
    CHECK(pricing_model_of("custom:Gemini-2.5-Pro-[Google]") == "gemini-2.5-pro");
    CHECK(pricing_model_of("custom:GLM-4.6-[Z.AI]-1") == "glm-4.6");  // not in the table: unpriced
    CHECK(pricing_model_of("custom:Model-7") == "model-7");           // an index only follows a bracket
    // Built-in ids (and other tools' names) are priced as written.
    CHECK(pricing_model_of("claude-sonnet-4-5-20250929") == "");
    CHECK(pricing_model_of("Claude-Sonnet-4.5") == "");
    CHECK(pricing_model_of("claude-4.5-sonnet") == "");
    CHECK(pricing_model_of("") == "");

    CHECK(bracket_provider("custom:Claude-Sonnet-4-[Anthropic]") == "anthropic");
    CHECK(bracket_provider("custom:GLM-4.6-[Z.AI]-1") == "z.ai");
    CHECK(bracket_provider("claude-sonnet-4") == "");

    const usage::SourcePlugin* plugin = usage::find_source_plugin("droid");
    REQUIRE(plugin);
    const auto m = plugin->map_model_name("custom:Claude-Opus-4.5-Thinking-[Anthropic]-0");
    REQUIRE(m);
    CHECK(m->pricing_model == "claude-opus-4-5");
    CHECK_FALSE(plugin->map_model_name("gpt-5-codex"));
    CHECK(usage::model_name_mappings("claude-4.5-sonnet").size() == 1);  // Cursor's only
    CHECK(usage::model_name_mappings("claude-4.5-sonnet").size() == 1);  // Cursor's only
}

TEST_CASE("droid usage: cache classes are disjoint, thinking comes on top of output") {
    const Usage before{1000, 200, 3000, 40000, 50};
    const Usage now{1600, 260, 3500, 52000, 80};
    const usage::TokenCounts t = difference(before, now);
    CHECK(t.input == 600);
    CHECK(t.output == 60 + 30);
    CHECK(t.reasoning == 30);
    CHECK(t.cache_write_5m == 500);
    CHECK(t.cache_write_1h == 0);
    CHECK(t.cache_read == 12000);
    CHECK(t.total() == 600 + 90 + 500 + 12000);
}

TEST_CASE("droid usage: a counter that goes down counts 0 and is the new baseline") {
    const usage::TokenCounts t = difference({1000, 200, 3000, 40000, 50}, {10, 250, 0, 41000, 0});
    CHECK(t.input == 0);
    CHECK(t.output == 50);
    CHECK(t.reasoning == 0);
    CHECK(t.cache_write_5m == 0);
    CHECK(t.cache_read == 1000);
    const usage::TokenCounts next = difference({10, 250, 0, 41000, 0}, {15, 250, 0, 41000, 0});
    CHECK(next.input == 5);
    CHECK(next.total() == 5);
}

TEST_CASE("droid usage: the state round trip, damaged states count from scratch") {
    const Counted c{4, Usage{1, 2, 3, 4, 5}};
    CHECK(to_state(c) == "droid-v1 4 1 2 3 4 5");
    const auto back = parse_state("droid-v1 4 1 2 3 4 5");
    REQUIRE(back);
    CHECK(back->events == 4);
    CHECK(back->usage == Usage{1, 2, 3, 4, 5});
    CHECK_FALSE(parse_state(""));
    CHECK_FALSE(parse_state("droid-v1 4 1 2 3 4"));
    CHECK_FALSE(parse_state("droid-v1 4 1 2 3 4 5 6"));
    CHECK_FALSE(parse_state("droid-v1 4 1 -2 3 4 5"));
    CHECK_FALSE(parse_state("goose-v1\n"));
}

TEST_CASE("droid usage: a difference above the per-call limit is split into equal parts") {
    usage::TokenCounts t;
    t.cache_read = 2'000'000'001;
    t.input = 5;
    const auto parts = split_to_call_limit(t);
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].cache_read == 666'666'667);
    CHECK(parts[2].cache_read == 666'666'667);
    CHECK(parts[0].input == 1);
    CHECK(parts[2].input == 3);
    std::int64_t sum = 0;
    for (const auto& p : parts) {
        CHECK(p.cache_read <= usage::kMaxTokensPerCall);
        sum += p.cache_read;
    }
    CHECK(sum == 2'000'000'001);
}
