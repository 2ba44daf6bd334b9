// Model names the three extensions write that no price list uses: routers
// (OpenRouter, Kilo's gateway, Requesty) name Claude models with dots and
// variants, `anthropic/claude-sonnet-4.5`, `anthropic/claude-3.7-sonnet:thinking`.
#pragma once

#include <string>
#include <string_view>

namespace usage::plugins::vscode_tasks {

/// The provider's id to price a router's Claude name (`<vendor>/claude-...`)
/// with: the last path segment, without a `:variant` suffix, with dots between digits as dashes
/// (`claude-sonnet-4-5`, `claude-3-7-sonnet`). Empty when `model` is not
/// such a name or needs no rewrite (the price resolver already peels a
/// provider prefix and a date).
std::string router_claude_pricing_id(std::string_view model);

}  // namespace usage::plugins::vscode_tasks
