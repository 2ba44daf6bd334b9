// How a key's type and value read in errors, in `config keys` and as YAML.
#include "usage/config/option.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "budget_yaml.hpp"
#include "option_yaml.hpp"

namespace usage {
namespace {

/// "auto, on or off": how a person lists the choices.
std::string choices(const std::vector<std::string>& allowed) {
    std::string out;
    for (std::size_t i = 0; i < allowed.size(); ++i) {
        if (i > 0) out += i + 1 == allowed.size() ? " or " : ", ";
        out += allowed[i];
    }
    return out;
}

// Formatted, not concatenated: GCC 12 at -O3 warns (-Wrestrict, bug 105329)
// on the string operators here.
std::string range(const OptionSpec& spec) {
    char buf[64] = "";
    const auto ll = [](std::int64_t v) { return static_cast<long long>(v); };
    if (spec.min && spec.max)
        std::snprintf(buf, sizeof buf, " %lld..%lld", ll(*spec.min), ll(*spec.max));
    else if (spec.min)
        std::snprintf(buf, sizeof buf, " >= %lld", ll(*spec.min));
    else if (spec.max)
        std::snprintf(buf, sizeof buf, " <= %lld", ll(*spec.max));
    return buf;
}

// yaml-cpp writes a carriage return as is in a plain scalar, where a reader
// (yaml-cpp too) sees a line break and loses it: text with any control
// character goes out double-quoted, where it is escaped.
void emit_text(YAML::Emitter& out, const std::string& text) {
    if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        out << YAML::DoubleQuoted;
    out << text;
}

void emit_prices(YAML::Emitter& out, const std::vector<ModelPrice>& prices) {
    out << YAML::BeginMap;
    for (const auto& p : prices) {
        out << YAML::Key;
        emit_text(out, p.model);
        out << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "input" << YAML::Value << p.base.input;
        out << YAML::Key << "output" << YAML::Value << p.base.output;
        out << YAML::Key << "cache_read" << YAML::Value << p.base.cache_read;
        out << YAML::Key << "cache_write_5m" << YAML::Value << p.base.cache_write_5m;
        if (p.base.cache_write_1h) out << YAML::Key << "cache_write_1h" << YAML::Value << *p.base.cache_write_1h;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

}  // namespace

std::string option_type_phrase(const OptionSpec& spec) {
    switch (spec.type) {
        case OptionType::boolean: return "true or false";
        case OptionType::integer: return "an integer";
        case OptionType::duration: return "an integer (seconds)";
        case OptionType::string: return "a string";
        case OptionType::url: return "a URL";
        case OptionType::path: return "a path";
        case OptionType::path_list: return "a list of paths";
        case OptionType::enumeration: return choices(spec.allowed);
        case OptionType::price_table: return "a mapping of model id to prices";
        case OptionType::budget_list: return "a list of budgets";
        case OptionType::header_list: return "a list of 'Name: value' HTTP headers";
    }
    return "a value";
}

std::string option_type_label(const OptionSpec& spec) {
    switch (spec.type) {
        case OptionType::boolean: return "bool";
        case OptionType::integer: return "int" + range(spec);
        case OptionType::duration: return "seconds" + range(spec);
        case OptionType::string: return "string";
        case OptionType::url: return "URL";
        case OptionType::path: return "path";
        case OptionType::path_list: return "list of paths";
        case OptionType::enumeration: return choices(spec.allowed);
        case OptionType::price_table: return "model prices";
        case OptionType::budget_list: return "list of budgets";
        case OptionType::header_list: return "list of headers";
    }
    return "value";
}

void emit_option_value(YAML::Emitter& out, const OptionValue& value, bool block) {
    std::visit(
        [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::vector<std::string>>) {
                if (!block) out << YAML::Flow;
                out << YAML::BeginSeq;
                for (const auto& item : v) emit_text(out, item);
                out << YAML::EndSeq;
            } else if constexpr (std::is_same_v<V, std::vector<ModelPrice>>) {
                if (!block) out << YAML::Flow;
                emit_prices(out, v);
            } else if constexpr (std::is_same_v<V, std::vector<BudgetConfig>>) {
                emit_budgets(out, v, !block);
            } else if constexpr (std::is_same_v<V, std::string>) {
                emit_text(out, v);
            } else {
                out << v;
            }
        },
        value);
}

std::string option_value_yaml(const OptionValue& value) {
    YAML::Emitter out;
    emit_option_value(out, value);
    return out.c_str();
}

}  // namespace usage
