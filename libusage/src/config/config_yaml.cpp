// Loading a config file: the document's structure (sections, sources,
// unknown and repeated keys) walked along the key table; each value is read
// by read_option_value.
#include <set>

#include "usage/config/config.hpp"
#include "usage/scan/source.hpp"
#include "yaml_validator.hpp"

namespace usage {
namespace {

/// The next segment of every table key below `prefix` ("" or "sync."): the
/// keys a mapping at that place may hold.
std::set<std::string> children(const ConfigMap& map, const std::string& prefix) {
    std::set<std::string> out;
    for (const auto& option : map.options()) {
        const std::string& key = option.spec.key;
        if (!key.starts_with(prefix)) continue;
        out.insert(key.substr(prefix.size(), key.find('.', prefix.size()) - prefix.size()));
    }
    if (prefix.empty()) out.insert("sources");
    return out;
}

/// Walks a document along dotted keys, checking each section it enters once
/// for keys the table does not have.
class Walker {
public:
    Walker(const Validator& v, const ConfigMap& map, const YAML::Node& root) : v_(v), map_(map), root_(root) {}

    /// The node of `key`, or an undefined node when the file does not set it.
    YAML::Node find(const std::string& key) const { return find(root_, key, 0); }

private:
    // Recursion rather than a loop: assigning one YAML::Node to another
    // changes the document instead of rebinding the variable.
    YAML::Node find(const YAML::Node& node, const std::string& key, std::size_t at) const {
        const auto dot = key.find('.', at);
        if (dot == std::string::npos) return node[key.substr(at)];
        const YAML::Node section = node[key.substr(at, dot - at)];
        if (!section) return section;
        const std::string where = key.substr(0, dot);
        if (checked_.insert(where).second) v_.only_keys(section, where, children(map_, where + "."));
        return find(section, key, dot + 1);
    }

    const Validator& v_;
    const ConfigMap& map_;
    YAML::Node root_;
    mutable std::set<std::string> checked_;
};

std::map<std::string, SourceConfig> read_sources(const Validator& v, const ConfigMap& map, const YAML::Node& node) {
    if (!node.IsMap()) v.fail(node, "'sources' must be a mapping of source name to settings");
    std::map<std::string, SourceConfig> out;
    for (const auto& kv : node) {
        const std::string name = v.key_text(kv.first);
        const SourcePlugin* plugin = map.plugin(name);
        if (plugin == nullptr) {
            std::string known;
            for (const SourcePlugin* p : map.plugins()) known += (known.empty() ? "" : ", ") + std::string(p->name());
            v.fail(kv.first, "unknown source 'sources." + name + "' (known: " + known + ")");
        }
        const std::string where = "sources." + name;
        const auto options = map.source_options(*plugin);
        std::set<std::string> keys;
        for (const auto& option : options) keys.insert(option.spec.key);
        v.only_keys(kv.second, where, keys);
        SourceConfig sc;
        for (const auto& option : options)
            if (const auto value = kv.second[option.spec.key])
                option.set(sc, read_option_value(v, value, option.spec, where + "." + option.spec.key));
        out[name] = std::move(sc);
    }
    return out;
}

}  // namespace

Config parse_config(const std::string& yaml_text, const std::filesystem::path& origin, const ConfigMap& map) {
    Validator v(origin);
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(origin.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    Config c;
    c.path = origin;
    c.loaded = true;
    if (root.IsNull()) return c;
    if (!root.IsMap())
        v.fail(root, std::string("the file must be a mapping of settings (`key: value` lines), not ") +
                         (root.IsSequence() ? "a list" : "a single value"));
    v.unique_keys(root, "");
    v.only_keys(root, "", children(map, ""));
    Walker walker(v, map, root);
    std::set<std::string> given;
    for (const auto& option : map.options()) {
        const auto node = walker.find(option.spec.key);
        if (!node) continue;
        try {
            option.set(c, read_option_value(v, node, option.spec, option.spec.key));
        } catch (const std::invalid_argument& e) {
            v.fail(node, "'" + option.spec.key + "': " + e.what());
        }
        given.insert(option.spec.key);
    }
    if (const auto sources = root["sources"]) c.sources = read_sources(v, map, sources);
    // Naming a drive says where the Windows side is, so it is meant to be
    // scanned; the one rule that spans two keys.
    if (given.contains("wsl.windows_drive") && !given.contains("wsl.windows")) c.wsl.mode = WslConfig::Mode::on;
    return c;
}

}  // namespace usage
