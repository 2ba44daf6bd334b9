// One key's value read from YAML and checked against its descriptor: type,
// bounds, allowed values. Every message names the full key.
#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

#include "budget_yaml.hpp"
#include "usage/sync/folder_url.hpp"
#include "yaml_validator.hpp"

namespace usage {
namespace {

ModelPrice parse_override(const Validator& v, const std::string& model, const YAML::Node& node,
                          const std::string& table) {
    const std::string where = table + "." + model;
    v.only_keys(node, where, {"input", "output", "cache_read", "cache_write_5m", "cache_write_1h"});
    ModelPrice p;
    p.model = model;
    p.provider = "override";
    auto rate = [&](const char* key) -> std::optional<double> {
        if (!node[key]) return std::nullopt;
        double value = v.scalar<double>(node[key], where + "." + key, "a number (USD per million tokens)");
        // NaN and infinities (`.nan`, `.inf`) are numbers to YAML, not prices.
        if (!is_plausible_price(value))
            v.fail(node[key], "'" + where + "." + key + "' is " + node[key].Scalar() + ", " + std::string(kPriceRule));
        return value;
    };
    auto input = rate("input");
    auto output = rate("output");
    if (!input || !output) v.fail(node, "'" + where + "' needs at least input and output");
    p.base.input = *input;
    p.base.output = *output;
    p.base.cache_read = rate("cache_read").value_or(*input);
    p.base.cache_write_5m = rate("cache_write_5m").value_or(*input * 1.25);
    p.base.cache_write_1h = rate("cache_write_1h");
    return p;
}

}  // namespace

// `http(s)://host[:port][/path]`: what the push can reach. libcurl would
// otherwise guess a scheme for `usage.example.com` or speak FTP.
bool is_http_url(const std::string& url) {
    std::string lower = url;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::string_view rest = lower;
    if (rest.starts_with("https://"))
        rest.remove_prefix(8);
    else if (rest.starts_with("http://"))
        rest.remove_prefix(7);
    else
        return false;
    const auto host_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, host_end);
    if (authority.empty() || authority.front() == ':') return false;
    return std::none_of(lower.begin(), lower.end(), [](unsigned char ch) { return ch <= ' ' || ch == 0x7f; });
}

namespace {

// One `Name: value` line as an HTTP request may carry it: a token name, a
// value without control characters (a line break would start another
// header). The value is never quoted back: it may be a secret.
void check_header(const Validator& v, const YAML::Node& node, const std::string& key, const std::string& line) {
    const auto colon = line.find(':');
    const std::string name = line.substr(0, colon);
    const auto is_tchar = [](unsigned char ch) {
        return std::isalnum(ch) ||
               std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos;
    };
    if (colon == std::string::npos || name.empty() || !std::all_of(name.begin(), name.end(), is_tchar))
        v.fail(node, "'" + key + "' entries must be 'Name: value' with a header name before the colon");
    if (std::any_of(line.begin() + static_cast<std::ptrdiff_t>(colon), line.end(),
                    [](unsigned char ch) { return (ch < 0x20 && ch != '\t') || ch == 0x7f; }))
        v.fail(node, "'" + key + "': the value of header '" + name + "' holds a control character");
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "content-type" || lower == "content-encoding" || lower == "content-length")
        v.fail(node, "'" + key + "': header '" + name + "' is set by the exporter itself");
}

std::int64_t bounded_number(const Validator& v, const YAML::Node& node, const OptionSpec& spec,
                            const std::string& key) {
    const std::int64_t n = v.scalar<int>(node, key, option_type_phrase(spec));
    const bool low = spec.min && n < *spec.min;
    const bool high = spec.max && n > *spec.max;
    if (!low && !high) return n;
    const std::string unit = spec.type == OptionType::duration ? " seconds" : "";
    if (spec.min && spec.max)
        v.fail(node, "'" + key + "' must be between " + std::to_string(*spec.min) + " and " +
                         std::to_string(*spec.max) + unit);
    if (spec.min)
        v.fail(node, "'" + key + "' must be at least " + std::to_string(*spec.min) +
                         (spec.type == OptionType::duration ? (*spec.min == 1 ? " second" : " seconds") : ""));
    v.fail(node, "'" + key + "' must be at most " + std::to_string(*spec.max) + unit);
}

}  // namespace

OptionValue read_option_value(const Validator& v, const YAML::Node& node, const OptionSpec& spec,
                              const std::string& key) {
    const std::string phrase = option_type_phrase(spec);
    switch (spec.type) {
        case OptionType::boolean: return v.scalar<bool>(node, key, phrase);
        case OptionType::integer:
        case OptionType::duration: return bounded_number(v, node, spec, key);
        case OptionType::string:
        case OptionType::path: return v.scalar<std::string>(node, key, phrase);
        case OptionType::url: {
            auto url = v.scalar<std::string>(node, key, phrase);
            if (!url.empty() && sync::is_folder_url(url)) {
                try {
                    (void)sync::folder_of_url(url);
                } catch (const std::invalid_argument& e) {
                    v.fail(node, "'" + key + "' " + e.what() + ", got '" + url + "'");
                }
            } else if (!url.empty() && !is_http_url(url)) {
                v.fail(node,
                       "'" + key + "' must be an http:// or https:// URL or a file:/// folder, got '" + url + "'");
            }
            return url;
        }
        case OptionType::path_list: {
            if (!node.IsSequence()) v.fail(node, "'" + key + "' must be " + phrase);
            std::vector<std::string> out;
            for (const auto& item : node) out.push_back(v.scalar<std::string>(item, key, "a path"));
            return out;
        }
        case OptionType::header_list: {
            if (!node.IsSequence()) v.fail(node, "'" + key + "' must be " + phrase);
            std::vector<std::string> out;
            for (const auto& item : node) {
                out.push_back(v.scalar<std::string>(item, key, "a 'Name: value' string"));
                check_header(v, item, key, out.back());
            }
            return out;
        }
        case OptionType::enumeration: {
            auto text = v.scalar<std::string>(node, key, phrase);
            for (const auto& [alias, value] : spec.synonyms)
                if (text == alias) return value;
            if (std::find(spec.allowed.begin(), spec.allowed.end(), text) == spec.allowed.end())
                v.fail(node, "'" + key + "' must be " + phrase + ", got '" + text + "'");
            return text;
        }
        case OptionType::price_table: {
            if (!node.IsMap()) v.fail(node, "'" + key + "' must be " + phrase);
            std::vector<ModelPrice> out;
            for (const auto& kv : node) out.push_back(parse_override(v, v.key_text(kv.first), kv.second, key));
            return out;
        }
        case OptionType::budget_list: return read_budgets(v, node, key);
    }
    v.fail(node, "'" + key + "' has a type this build cannot read");
}

}  // namespace usage
