// Environment snapshot: the variables discovery and defaults depend on.
#include "usage/config/environment.hpp"

#include <unistd.h>

#include <cstring>

extern char** environ;

namespace usage {

Environment::Environment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}

Environment Environment::from_process() {
    std::map<std::string, std::string> vars;
    for (char** e = environ; e && *e; ++e) {
        const char* eq = std::strchr(*e, '=');
        if (!eq) continue;
        vars.emplace(std::string(static_cast<const char*>(*e), eq), std::string(eq + 1));
    }
    return Environment(std::move(vars));
}

std::optional<std::string> Environment::get(const std::string& name) const {
    auto it = vars_.find(name);
    if (it == vars_.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

std::optional<std::vector<std::string>> Environment::list(const std::string& name) const {
    const auto value = get(name);
    if (!value) return std::nullopt;
    std::vector<std::string> entries;
    std::size_t at = 0;
    while (at <= value->size()) {
        std::size_t comma = value->find(',', at);
        if (comma == std::string::npos) comma = value->size();
        const auto first = value->find_first_not_of(" \t", at);
        if (first != std::string::npos && first < comma) {
            const auto last = value->find_last_not_of(" \t", comma - 1);
            entries.push_back(value->substr(first, last - first + 1));
        }
        at = comma + 1;
    }
    return entries;
}

bool Environment::is_set(const std::string& name) const {
    return vars_.contains(name);
}

void Environment::set(const std::string& name, std::string value) {
    vars_[name] = std::move(value);
}

std::filesystem::path Environment::home() const {
    if (auto h = get("HOME")) return *h;
    return "/";
}

std::filesystem::path Environment::xdg_home(const std::string& kind) const {
    if (auto v = get("XDG_" + kind + "_HOME"); v && v->front() == '/') return *v;
    if (kind == "CONFIG") return home() / ".config";
    if (kind == "STATE") return home() / ".local" / "state";
    if (kind == "DATA") return home() / ".local" / "share";
    if (kind == "CACHE") return home() / ".cache";
    return home();
}

}  // namespace usage
