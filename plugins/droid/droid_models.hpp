// Factory Droid's model names -> the ids the price table knows.
//
// Droid writes its built-in models as provider ids (`claude-sonnet-4-5-20250929`,
// `gpt-5-codex`), priced as written, and "bring your own key" models as
// `custom:<Display-Name>-[<Provider>][-<index>]`, e.g.
// `custom:Claude-Opus-4.5-Thinking-[Anthropic]-0`. Only those are mapped
// (other sources' names, e.g. Cursor's `claude-4.5-sonnet`, must not get a
// Droid mapping in `prices`). Rules, in order:
//   1. drop the `custom:` prefix;
//   2. drop a `-<digits>` index right after the last `[...]` group, then
//      every `[...]` group;
//   3. blanks become `-`, repeated `-` collapse, `-` at either end go;
//   4. lower case;
//   5. Claude names use dashes between version digits (`claude-opus-4.5` ->
//      `claude-opus-4-5`, the provider's id);
//   6. a trailing `-thinking` (extended thinking, same per-token price) goes.
// What is left is priced as written (the price resolver also strips dates and
// provider prefixes); a name no price lists stays unpriced.
#pragma once

#include <string>
#include <string_view>

namespace usage::plugins::droid {

/// The pricing id of a `custom:` model name; empty for any other name (it
/// is priced as written).
std::string pricing_model_of(std::string_view name);

/// The provider a `custom:` name carries in brackets (`[Anthropic]` ->
/// `anthropic`), else empty.
std::string bracket_provider(std::string_view name);

}  // namespace usage::plugins::droid
