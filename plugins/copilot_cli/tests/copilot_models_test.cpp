// Copilot CLI model names -> provider ids: the rules, the closed list, and
// that every id the mapping can produce has a built-in price.
#include "../copilot_models.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "usage/pricing/pricing.hpp"
#include "usage/scan/source.hpp"

using usage::plugins::copilot::map_copilot_model;

namespace {

std::string priced(std::string_view name) {
    return map_copilot_model(name).pricing_model;
}

}  // namespace

TEST_CASE("copilot models: dotted Claude versions, effort suffixes, provider ids") {
    CHECK(priced("claude-sonnet-4.5") == "claude-sonnet-4-5");
    CHECK(priced("claude-sonnet-4.6") == "claude-sonnet-4-6");
    CHECK(priced("claude-sonnet-4") == "claude-sonnet-4");
    CHECK(priced("claude-opus-4.6") == "claude-opus-4-6");
    CHECK(priced("claude-opus-4.5") == "claude-opus-4-5");
    CHECK(priced("claude-opus-4.1") == "claude-opus-4-1");
    CHECK(priced("claude-opus-4.7") == "claude-opus-4-7");
    CHECK(priced("claude-haiku-4.5") == "claude-haiku-4-5");
    CHECK(priced("Claude-Opus-4.6 ") == "claude-opus-4-6");
    CHECK(priced("gpt-5-mini") == "gpt-5-mini");
    CHECK(priced("gpt-5.1-codex-max") == "gpt-5.1-codex-max");
    CHECK(priced("gpt-4.1") == "gpt-4.1");
    CHECK(priced("gemini-3-pro-preview") == "gemini-3-pro-preview");
    CHECK(priced("gemini-2.5-pro") == "gemini-2.5-pro");
    CHECK(map_copilot_model("claude-opus-4.6").provider == "anthropic");
    CHECK(map_copilot_model("gpt-5-mini").provider == "openai");
    CHECK(map_copilot_model("gemini-3-pro-preview").provider == "google");
    CHECK(priced("auto").empty());
    CHECK(map_copilot_model("auto").provider == "github");
    // Never guessed: priority and long-context variants, unknown names.
    for (const char* unknown :
         {"claude-opus-4.6-fast", "claude-opus-4.6-1m", "claude-opus-4.6-high", "gpt-5.2-codex-xhigh",
          "grok-code-fast-1", "raptor-mini", "claude-sonet-4.5", "gpt-5x", "", "-high"}) {
        INFO(unknown);
        CHECK(priced(unknown).empty());
    }
    CHECK(map_copilot_model("claude-opus-4.6-fast").provider == "anthropic");
    CHECK(map_copilot_model("grok-code-fast-1").provider == "github");
}

TEST_CASE("copilot models: every id the mapping can produce has a built-in price") {
    const auto& table = usage::builtin_prices();
    for (auto id : usage::plugins::copilot::mapped_model_ids()) {
        INFO(id);
        CHECK(std::any_of(table.begin(), table.end(), [&](const usage::ModelPrice& p) { return p.model == id; }));
    }
}

TEST_CASE("copilot models: the plugin exposes the same mapping through the registry") {
    const usage::SourcePlugin* copilot = usage::find_source_plugin("copilot-cli");
    REQUIRE(copilot != nullptr);
    const auto m = copilot->map_model_name("claude-opus-4.6");
    REQUIRE(m.has_value());
    CHECK(m->pricing_model == "claude-opus-4-6");
    CHECK(m->rule == "Copilot CLI model name");
    // A provider id maps to itself, unknown names to nothing: no mapping to show.
    CHECK_FALSE(copilot->map_model_name("gpt-5-mini").has_value());
    CHECK_FALSE(copilot->map_model_name("auto").has_value());
    CHECK_FALSE(copilot->map_model_name("claude-opus-4.6-fast").has_value());
}
