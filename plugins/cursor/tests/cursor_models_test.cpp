// Cursor model names -> provider ids: the documented rules, the closed list,
// and that every id the mapping can produce has a built-in price.
#include "../cursor_models.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "usage/pricing/pricing.hpp"
#include "usage/scan/source.hpp"

using usage::plugins::cursor::map_cursor_model;

namespace {

std::string priced(std::string_view name) {
    return map_cursor_model(name).pricing_model;
}

}  // namespace

TEST_CASE("cursor models: version reordering, -thinking and effort suffixes") {
    CHECK(priced("claude-4.5-sonnet") == "claude-sonnet-4-5");
    CHECK(priced("claude-4.5-sonnet-thinking") == "claude-sonnet-4-5");
    CHECK(priced("claude-4-sonnet") == "claude-sonnet-4");
    CHECK(priced("claude-4-sonnet-thinking") == "claude-sonnet-4");
    CHECK(priced("claude-4-opus") == "claude-opus-4");
    CHECK(priced("claude-4.1-opus-thinking") == "claude-opus-4-1");
    CHECK(priced("claude-4.5-opus-high-thinking") == "claude-opus-4-5");
    CHECK(priced("claude-4.5-opus-high") == "claude-opus-4-5");
    CHECK(priced("claude-4.5-opus-max") == "claude-opus-4-5");
    CHECK(priced("claude-4.5-haiku") == "claude-haiku-4-5");
    CHECK(priced("claude-4.6-sonnet-medium-thinking") == "claude-sonnet-4-6");
    // Claude 3.x ids are version-first at the provider too.
    CHECK(priced("claude-3.7-sonnet") == "claude-3-7-sonnet");
    CHECK(priced("claude-3.7-sonnet-thinking") == "claude-3-7-sonnet");
    CHECK(priced("claude-3.5-sonnet") == "claude-3-5-sonnet");
    CHECK(priced("claude-3.5-haiku") == "claude-3-5-haiku");
    // Already provider ids, or one effort suffix away from one.
    CHECK(priced("gpt-5") == "gpt-5");
    CHECK(priced("gpt-5-codex") == "gpt-5-codex");
    CHECK(priced("gpt-5-high") == "gpt-5");
    CHECK(priced("gpt-5-codex-high") == "gpt-5-codex");
    CHECK(priced("gpt-5.1-codex-max") == "gpt-5.1-codex-max");  // -max is part of this id
    CHECK(priced("gpt-5.1-codex-max-high") == "gpt-5.1-codex-max");
    CHECK(priced("gpt-5-mini") == "gpt-5-mini");
    CHECK(priced("o3") == "o3");
    CHECK(priced("o3-pro") == "o3-pro");
    CHECK(priced("o4-mini-high") == "o4-mini");
    CHECK(priced("gemini-2.5-pro") == "gemini-2.5-pro");
    CHECK(priced("gemini-3-pro") == "gemini-3-pro-preview");
    // Case and surrounding space do not matter.
    CHECK(priced("  Claude-4.5-Sonnet ") == "claude-sonnet-4-5");
}

TEST_CASE("cursor models: providers, Cursor's own names and unknown names stay unpriced") {
    CHECK(map_cursor_model("claude-4.5-sonnet").provider == "anthropic");
    CHECK(map_cursor_model("gpt-5-codex").provider == "openai");
    CHECK(map_cursor_model("gemini-2.5-pro").provider == "google");
    for (const char* own : {"auto", "default", "composer-1", "cursor-small", "AUTO"}) {
        INFO(own);
        CHECK(priced(own).empty());
        CHECK(map_cursor_model(own).provider == "cursor");
    }
    // Never guessed: a priority tier, long-context variants, other vendors,
    // near-misses of listed ids.
    for (const char* unknown : {"gpt-5-fast", "gpt-5-high-fast", "claude-4-sonnet-1m", "grok-4", "grok-code-fast-1",
                                "deepseek-v3.1", "kimi-k2-instruct", "claude-4.5-sonet", "claude-sonnet", "gpt-5x",
                                "-thinking", "thinking", "", "claude-4.5.1-sonnet", "claude-.5-sonnet"}) {
        INFO(unknown);
        CHECK(priced(unknown).empty());
        CHECK(map_cursor_model(unknown).provider.empty());
    }
}

TEST_CASE("cursor models: every id the mapping can produce has a built-in price") {
    const auto& table = usage::builtin_prices();
    for (auto id : usage::plugins::cursor::mapped_model_ids()) {
        INFO(id);
        CHECK(std::any_of(table.begin(), table.end(), [&](const usage::ModelPrice& p) { return p.model == id; }));
    }
}

TEST_CASE("cursor models: the plugin exposes the same mapping through the registry") {
    // `prices MODEL` shows what a report uses: the registry's mapping must be
    // the one scan and import store in `pricing_model`.
    const auto mapped = usage::model_name_mappings("claude-4.5-sonnet-thinking");
    REQUIRE(mapped.size() == 1);
    CHECK(mapped[0].source == "cursor");
    CHECK(mapped[0].mapping.pricing_model == "claude-sonnet-4-5");
    CHECK(mapped[0].mapping.rule == "Cursor model name");
    for (std::string_view name : {"claude-4.5-opus-high", "gpt-5-codex-high", "o4-mini-high", "gemini-3-pro"}) {
        INFO(name);
        const auto m = usage::model_name_mappings(name);
        REQUIRE(m.size() == 1);
        CHECK(m[0].mapping.pricing_model == priced(name));
    }
    // A provider id maps to itself, and unknown or Cursor's own names to nothing: no mapping to show.
    CHECK(usage::model_name_mappings("claude-sonnet-4-5").empty());
    CHECK(usage::model_name_mappings("gpt-5-fast").empty());
    CHECK(usage::model_name_mappings("auto").empty());
    const usage::SourcePlugin* claude = usage::find_source_plugin("claude-code");
    REQUIRE(claude != nullptr);
    CHECK_FALSE(claude->map_model_name("claude-4.5-sonnet").has_value());
}
