// usage/config/option.hpp — what one config key is: its type, bounds,
// default and one-line help.
//
// The same description drives loading and validation, `config init`,
// `config show` and the key table in docs/cli.md (config_map.hpp), so a key
// cannot be documented one way and checked another. Plugins declare their own
// `sources.<name>.*` keys with it (SourcePlugin::config_options()), which is
// why it lives apart from the Config struct.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "usage/budget/budget_config.hpp"
#include "usage/pricing/pricing.hpp"

namespace usage {

enum class OptionType {
    boolean,      ///< true or false
    integer,      ///< whole number within [min, max]
    duration,     ///< whole seconds within [min, max]
    string,       ///< any text
    url,          ///< empty, or an http:// or https:// URL with a host
    path,         ///< a file or folder; `~/` is the user's home
    path_list,    ///< a list of paths
    enumeration,  ///< one of `allowed` (or a synonym of one)
    price_table,  ///< model id -> rates (`pricing.overrides`)
    budget_list,  ///< the `budgets` entries (usage/budget/budget_config.hpp)
    header_list,  ///< `Name: value` HTTP header lines; values may be secrets (never shown)
};

/// A key's value. Integers and durations are int64_t, strings, URLs, paths
/// and enumerations are text, path and header lists are lists of text.
using OptionValue = std::variant<bool, std::int64_t, std::string, std::vector<std::string>, std::vector<ModelPrice>,
                                 std::vector<BudgetConfig>>;

struct OptionSpec {
    /// Dotted path from the top of the file (`sync.batch_size`); for a
    /// source's key the part after `sources.<name>.` (`min_interval`).
    std::string key;
    OptionType type = OptionType::string;
    OptionValue default_value = std::string();
    /// One line for `config init`, `config keys` and the docs.
    std::string help;
    /// Inclusive bounds of an integer or duration; unset = unbounded.
    std::optional<std::int64_t> min;
    std::optional<std::int64_t> max;
    /// The values an enumeration accepts, as written in the file.
    std::vector<std::string> allowed;
    /// Other spellings of an allowed value: {"true", "on"}.
    std::vector<std::pair<std::string, std::string>> synonyms;
    /// Said instead of the default value when the default is only known at
    /// load time ("the host name").
    std::string default_note;
};

/// How the type reads in errors: "'sync.batch_size' must be <this>".
std::string option_type_phrase(const OptionSpec& spec);
/// How the type reads in `config keys` and the docs: "int 1..10000".
std::string option_type_label(const OptionSpec& spec);
/// The value as YAML on one line (`500`, `""`, `[/a, /b]`, `{}`).
std::string option_value_yaml(const OptionValue& value);

}  // namespace usage
