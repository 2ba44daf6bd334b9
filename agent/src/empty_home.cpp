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

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t from = 0;
    for (std::size_t slash; (slash = path.find('/', from)) != std::string::npos; from = slash + 1)
        parts.push_back(path.substr(from, slash - from));
    parts.push_back(path.substr(from));
    return parts;
}

// Paths that differ in one folder name only, written once in the shell's
// brace form: the VS Code extensions are looked for under five editors'
// folders on two systems, and thirteen paths on a line would hide the rest.
// `~/.config/{Code,VSCodium}/User`. Order of first appearance is kept.
std::vector<std::string> grouped(const std::vector<std::string>& paths) {
    std::vector<std::vector<std::string>> split;
    for (const auto& p : paths) split.push_back(components(p));
    std::vector<bool> used(paths.size(), false);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (used[i]) continue;
        // The position whose variants group the most paths with this one.
        std::vector<std::size_t> best;
        std::size_t best_at = 0;
        for (std::size_t at = 0; at < split[i].size(); ++at) {
            std::vector<std::size_t> members{i};
            for (std::size_t j = i + 1; j < paths.size(); ++j) {
                if (used[j] || split[j].size() != split[i].size()) continue;
                bool same_elsewhere = true;
                for (std::size_t k = 0; k < split[i].size() && same_elsewhere; ++k)
                    same_elsewhere = k == at || split[j][k] == split[i][k];
                if (same_elsewhere) members.push_back(j);
            }
            if (members.size() > best.size()) {
                best = members;
                best_at = at;
            }
        }
        const bool plain = std::all_of(best.begin(), best.end(), [&](std::size_t m) {
            return split[m][best_at].find_first_of(",{}") == std::string::npos && !split[m][best_at].empty();
        });
        if (best.size() < 2 || !plain) {
            used[i] = true;
            out.push_back(paths[i]);
            continue;
        }
        std::string text;
        for (std::size_t k = 0; k < split[i].size(); ++k) {
            if (k > 0) text += '/';
            if (k != best_at) {
                text += split[i][k];
                continue;
            }
            text += '{';
            for (std::size_t m = 0; m < best.size(); ++m) text += (m ? "," : "") + split[best[m]][k];
            text += '}';
        }
        for (std::size_t m : best) used[m] = true;
        out.push_back(std::move(text));
    }
    return out;
}

std::string path_list(const std::vector<std::filesystem::path>& paths, const std::filesystem::path& home) {
    std::vector<std::string> shown;
    for (const auto& p : paths) {
        std::string s = shown_path(p, home);
        // Two defaults can be one folder ($XDG_CONFIG_HOME unset).
        if (std::find(shown.begin(), shown.end(), s) == shown.end()) shown.push_back(std::move(s));
    }
    std::string out;
    for (const auto& s : grouped(shown)) out += (out.empty() ? "" : ", ") + s;
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
