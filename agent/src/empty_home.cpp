#include "empty_home.hpp"

#include <algorithm>

#include "terminal_text.hpp"
#include "usage/scan/scan_engine.hpp"
#include "usage/scan/source.hpp"

namespace agent {
namespace {

std::string shown_path(const std::filesystem::path& p, const std::filesystem::path& home) {
    const std::string text = p.lexically_normal().string();
    const std::string prefix = home.lexically_normal().string();
    if (prefix.empty() || prefix == "/" || !text.starts_with(prefix + "/")) return escape_terminal_text(text);
    std::string shown(1, '~');  // built by append: GCC 12 -O3 warns on "~" + string (-Wrestrict)
    shown.append(text, prefix.size());
    return escape_terminal_text(shown);
}

std::string path_list(const std::vector<std::filesystem::path>& paths, const std::filesystem::path& home) {
    std::vector<std::string> shown;
    for (const auto& p : paths) {
        std::string s = shown_path(p, home);
        // Two defaults can be one folder ($XDG_CONFIG_HOME unset).
        if (std::find(shown.begin(), shown.end(), s) == shown.end()) shown.push_back(std::move(s));
    }
    std::string out;
    for (const auto& s : shown) out += (out.empty() ? "" : ", ") + s;
    return out;
}

}  // namespace

std::string empty_home_message(const AppContext& ctx, const std::string& headline,
                               const std::vector<std::string>& only_sources) {
    const auto home = ctx.env().home();
    std::string out = headline + "\n";
    for (const auto& plugin : usage::source_plugins()) {
        const std::string name(plugin->name());
        if (!ctx.config().source(name).enabled) continue;
        if (!only_sources.empty() && std::find(only_sources.begin(), only_sources.end(), name) == only_sources.end())
            continue;
        const auto roots = usage::source_roots(*plugin, ctx.config(), ctx.env());
        std::string line = "  " + pad_right(name, 12) + path_list(roots.local, home);
        if (!roots.windows.empty()) line += "; Windows: " + path_list(roots.windows, home);
        std::string vars;
        for (const auto& v : plugin->root_variables()) vars += (vars.empty() ? "$" : ", $") + std::string(v);
        if (!vars.empty()) line += "  (or " + vars + ")";
        out += line + "\n";
    }
    out += "add a folder under sources.<name>.paths in " + shown_path(ctx.config_path(), home) +
           ", or set the variable in brackets\n";
    return out;
}

}  // namespace agent
