// `config show` (the effective values as YAML) and `config init` (every key
// at its default, commented out, with its help), both walked from the key
// table so neither can miss or misname a key.
#include <set>

#include "option_yaml.hpp"
#include "usage/config/config.hpp"
#include "usage/scan/source.hpp"

namespace usage {
namespace {

std::vector<std::string> split(const std::string& key) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', at)) {
        out.push_back(key.substr(at, dot - at));
        at = dot + 1;
    }
    out.push_back(key.substr(at));
    return out;
}

/// Calls `open(section, depth)` and `close()` so that consecutive keys of one
/// section share its mapping: the table lists keys grouped by section.
template <typename Open, typename Close>
void each_key(const ConfigMap& map, Open open, Close close, auto&& key_fn) {
    std::vector<std::string> sections;
    for (const auto& option : map.options()) {
        auto parts = split(option.spec.key);
        const std::string leaf = parts.back();
        parts.pop_back();
        std::size_t shared = 0;
        while (shared < sections.size() && shared < parts.size() && sections[shared] == parts[shared]) ++shared;
        while (sections.size() > shared) {
            close();
            sections.pop_back();
        }
        while (sections.size() < parts.size()) {
            open(parts[sections.size()], sections.size());
            sections.push_back(parts[sections.size()]);
        }
        key_fn(option, leaf, sections.size());
    }
    for (; !sections.empty(); sections.pop_back()) close();
}

// Header values are often credentials (`Authorization: Bearer ...`): the
// names say what is configured, the values stay in the file.
OptionValue hide_header_values(OptionValue value) {
    for (auto& line : std::get<std::vector<std::string>>(value)) line = line.substr(0, line.find(':')) + ": (hidden)";
    return value;
}

std::string help_of(const OptionSpec& spec) {
    return spec.default_note.empty() ? spec.help : spec.help + "; empty: " + spec.default_note;
}

/// One commented-out line of `config init`: `# <indent>key: value   # help`.
std::string init_line(std::size_t depth, const std::string& key, const OptionValue& value, const std::string& help) {
    std::string line = "# " + std::string(depth * 2, ' ') + key + ": " + option_value_yaml(value);
    if (help.empty()) return line + "\n";
    constexpr std::size_t help_column = 40;
    line += line.size() < help_column ? std::string(help_column - line.size(), ' ') : "  ";
    return line + "# " + help + "\n";
}

}  // namespace

std::string render_config(const Config& c, const ConfigMap& map) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    each_key(
        map,
        [&](const std::string& section, std::size_t) { out << YAML::Key << section << YAML::Value << YAML::BeginMap; },
        [&] { out << YAML::EndMap; },
        [&](const ConfigOption& option, const std::string& leaf, std::size_t) {
            out << YAML::Key << leaf << YAML::Value;
            // A table with entries reads better as a block; an empty one as `{}`.
            auto value = option.get(c);
            if (option.spec.type == OptionType::header_list) value = hide_header_values(std::move(value));
            const auto* prices = std::get_if<std::vector<ModelPrice>>(&value);
            const auto* budgets = std::get_if<std::vector<BudgetConfig>>(&value);
            emit_option_value(out, value,
                              (prices != nullptr && !prices->empty()) || (budgets != nullptr && !budgets->empty()));
        });
    out << YAML::Key << "sources" << YAML::Value << YAML::BeginMap;
    for (const SourcePlugin* p : map.plugins()) {
        const auto sc = c.source(std::string(p->name()));
        out << YAML::Key << std::string(p->name()) << YAML::Value << YAML::BeginMap;
        for (const auto& option : map.source_options(*p)) {
            out << YAML::Key << option.spec.key << YAML::Value;
            emit_option_value(out, option.get(sc, *p));
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

std::string default_config_text(const ConfigMap& map) {
    std::string text =
        "# usage-agent configuration, written by `usage-agent config init`.\n"
        "# Every key is optional and shown here at its default, commented out: remove\n"
        "# the leading \"# \" of a key and of its sections to change it.\n"
        "# `usage-agent config keys` describes every key.\n"
        "#\n";
    each_key(
        map,
        [&](const std::string& section, std::size_t depth) {
            if (depth == 0) text += "#\n";
            text += "# " + std::string(depth * 2, ' ') + section + ":\n";
        },
        [] {},
        [&](const ConfigOption& option, const std::string& leaf, std::size_t depth) {
            text += init_line(depth, leaf, option.spec.default_value, help_of(option.spec));
        });
    text += "#\n# sources:\n";
    // A common key's help is said once, at the first source; a plugin's own
    // keys at that plugin.
    const std::size_t common = map.common_source_options().size();
    std::set<std::string> explained;
    for (const SourcePlugin* p : map.plugins()) {
        text += "#   " + std::string(p->name()) + ":\n";
        const auto options = map.source_options(*p);
        for (std::size_t i = 0; i < options.size(); ++i) {
            const auto& option = options[i];
            const bool fresh = i >= common || explained.insert(option.spec.key).second;
            text += init_line(2, option.spec.key, option.get(SourceConfig{}, *p), fresh ? help_of(option.spec) : "");
        }
    }
    return text;
}

}  // namespace usage
