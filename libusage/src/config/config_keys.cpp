// `config keys`: every key with its type, default and help, as text or as the
// Markdown table docs/cli.md holds (a test keeps the two equal).
#include <algorithm>

#include "usage/config/config.hpp"
#include "usage/scan/source.hpp"

namespace usage {
namespace {

struct KeyRow {
    std::string key;
    std::string type;
    std::string default_text;  ///< Markdown: values in backticks
    std::string help;
};

std::string code(const OptionValue& value) {
    // Appended, not `"`" + ... + "`"`: GCC 12 at -O3 warns (-Wrestrict,
    // bug 105329) on a char literal prepended to a temporary string.
    std::string out = "`";
    out += option_value_yaml(value);
    out += '`';
    return out;
}

std::string default_of(const OptionSpec& spec) {
    return spec.default_note.empty() ? code(spec.default_value) : spec.default_note;
}

/// A common source key whose default is the plugin's (min_interval): the
/// most common value is "the others", the rest are named.
std::string source_default(const ConfigMap& map, const SourceOption& option) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // value -> sources, in registry order
    for (const SourcePlugin* p : map.plugins()) {
        const std::string value = code(option.get(SourceConfig{}, *p));
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == value; });
        if (it == groups.end()) it = groups.insert(groups.end(), {value, {}});
        it->second.emplace_back(p->name());
    }
    if (groups.size() <= 1) return groups.empty() ? code(option.spec.default_value) : groups.front().first;
    const auto others = std::max_element(
        groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
    std::string out;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        if (it == others) continue;
        out += it->first + " for ";
        for (std::size_t i = 0; i < it->second.size(); ++i) out += (i > 0 ? ", " : "") + it->second[i];
        out += "; ";
    }
    return out + others->first + " for the others";
}

std::vector<KeyRow> rows(const ConfigMap& map) {
    std::vector<KeyRow> out;
    for (const auto& option : map.options())
        out.push_back({option.spec.key, option_type_label(option.spec), default_of(option.spec), option.spec.help});
    for (const auto& option : map.common_source_options())
        out.push_back({"sources.<name>." + option.spec.key, option_type_label(option.spec), source_default(map, option),
                       option.spec.help});
    for (const SourcePlugin* p : map.plugins())
        for (const auto& spec : p->config_options())
            out.push_back({"sources." + std::string(p->name()) + "." + spec.key, option_type_label(spec),
                           default_of(spec), spec.help});
    return out;
}

std::string without_backticks(std::string text) {
    std::erase(text, '`');
    return text;
}

/// A `|` inside a cell would end it, and `<name>` would read as an HTML tag.
std::string cell(const std::string& text) {
    std::string out;
    for (char ch : text) {
        if (ch == '|')
            out += "\\|";
        else if (ch == '<')
            out += "&lt;";
        else
            out += ch;
    }
    return out;
}

}  // namespace

std::string config_keys_text(const ConfigMap& map) {
    std::string out;
    for (const auto& row : rows(map))
        out += row.key + " (" + row.type + "; default: " + without_backticks(row.default_text) + ")\n    " + row.help +
               "\n";
    return out;
}

std::string config_keys_markdown(const ConfigMap& map) {
    std::string out = "| key | type | default | meaning |\n|---|---|---|---|\n";
    for (const auto& row : rows(map))
        out += "| `" + row.key + "` | " + cell(row.type) + " | " + cell(row.default_text) + " | " + cell(row.help) +
               " |\n";
    return out;
}

}  // namespace usage
