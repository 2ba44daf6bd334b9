#include "vscode_task_models.hpp"

#include <cctype>

namespace usage::plugins::vscode_tasks {

namespace {

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::string router_claude_pricing_id(std::string_view model) {
    // Only a router's `<vendor>/` name: without one, a dotted name is a
    // tool's own (Cursor's `claude-4.5-sonnet`) and not of this form.
    std::string_view name = model;
    const auto slash = name.rfind('/');
    if (slash == std::string_view::npos) return {};
    name.remove_prefix(slash + 1);
    // `:thinking`, `:beta`: OpenRouter variants billed at the model's price.
    if (const auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(0, colon);
    if (!name.starts_with("claude-")) return {};
    std::string id(name);
    bool dotted = false;
    for (std::size_t i = 1; i + 1 < id.size(); ++i) {
        if (id[i] == '.' && is_digit(id[i - 1]) && is_digit(id[i + 1])) {
            id[i] = '-';
            dotted = true;
        }
    }
    // Only a dotted version or a variant suffix needs the rewrite.
    if (!dotted && model.find(':') == std::string_view::npos) return {};
    return id;
}

}  // namespace usage::plugins::vscode_tasks
