// Loading the config file from disk: where it is, what a missing file means,
// and the values only known at load time (home, host name, user).
#include "usage/config/config.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "usage/scan/source.hpp"

namespace usage {
namespace {

std::string hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

/// Paths may start with ~/ (the user's home), as `config init` suggests.
void expand_home(OptionValue& value, const Environment& env) {
    auto expand = [&](std::string& text) {
        if (text == "~" || text.starts_with("~/"))
            text = (env.home() / text.substr(std::min<std::size_t>(2, text.size()))).string();
    };
    if (auto* text = std::get_if<std::string>(&value)) expand(*text);
    if (auto* list = std::get_if<std::vector<std::string>>(&value))
        for (auto& text : *list) expand(text);
}

bool is_path(const OptionSpec& spec) {
    return spec.type == OptionType::path || spec.type == OptionType::path_list;
}

}  // namespace

SourceConfig Config::source(const std::string& name) const {
    auto it = sources.find(name);
    return it == sources.end() ? SourceConfig{} : it->second;
}

std::filesystem::path default_config_path(const Environment& env) {
    return env.xdg_home("CONFIG") / "usage-agent" / "config.yaml";
}

Config load_config(const std::filesystem::path& path, const Environment& env, const ConfigMap& map) {
    Config c;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ConfigError(path.string() + ": is a directory; the config is a file (e.g. " +
                          (path / "config.yaml").string() + ")");
    std::ifstream in(path);
    if (in) {
        std::ostringstream text;
        text << in.rdbuf();
        c = parse_config(text.str(), path, map);
    } else if (std::filesystem::exists(path)) {
        throw ConfigError(path.string() + ": cannot be read");
    }
    c.path = path;
    for (const auto& option : map.options())
        if (is_path(option.spec)) {
            auto value = option.get(c);
            expand_home(value, env);
            option.set(c, value);
        }
    for (auto& [name, sc] : c.sources) {
        const SourcePlugin* plugin = map.plugin(name);
        if (plugin == nullptr) continue;
        for (const auto& option : map.source_options(*plugin))
            if (is_path(option.spec)) {
                auto value = option.get(sc, *plugin);
                expand_home(value, env);
                option.set(sc, value);
            }
    }
    if (c.machine_name.empty()) c.machine_name = hostname();
    if (c.user.empty()) c.user = env.get("USER").value_or(env.get("LOGNAME").value_or("unknown"));
    return c;
}

}  // namespace usage
