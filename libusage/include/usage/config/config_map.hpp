// usage/config/config_map.hpp — the one table of config keys.
//
// Like Fluent Bit's config_map[]: each key is described once (type, bounds,
// default, help) together with where its value lands in Config, and loading,
// `config init`, `config show` and `config keys` (the docs' table) are all
// generated from that description. Keys under `sources.<name>.` are the
// common ones every source has plus the ones its plugin declares.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "usage/config/option.hpp"

namespace usage {

struct Config;
struct SourceConfig;
class SourcePlugin;

/// A key outside `sources` (`sync.batch_size`) and where it lands in Config.
struct ConfigOption {
    OptionSpec spec;
    std::function<void(Config&, const OptionValue&)> set;
    std::function<OptionValue(const Config&)> get;  ///< the effective value
};

/// A key of `sources.<name>` and where it lands in SourceConfig. `get` takes
/// the plugin because a default may be the plugin's (min_interval).
struct SourceOption {
    OptionSpec spec;
    std::function<void(SourceConfig&, const OptionValue&)> set;
    std::function<OptionValue(const SourceConfig&, const SourcePlugin&)> get;
};

class ConfigMap {
public:
    /// The keys of this build: the built-in ones and every registered plugin's.
    static const ConfigMap& standard();

    /// The keys with these plugins as the sources (tests use plugins of their
    /// own). The plugins must outlive the map. Throws std::logic_error when a
    /// plugin declares a key that is already a common one, a dotted key, or a
    /// default of another type than the key's.
    explicit ConfigMap(std::vector<const SourcePlugin*> plugins);

    /// The keys outside `sources`, grouped by section, in file order.
    [[nodiscard]] const std::vector<ConfigOption>& options() const { return options_; }
    /// The sources, in registry order.
    [[nodiscard]] const std::vector<const SourcePlugin*>& plugins() const { return plugins_; }
    [[nodiscard]] const SourcePlugin* plugin(std::string_view name) const;
    /// The keys every source has (enabled, paths, min_interval).
    [[nodiscard]] const std::vector<SourceOption>& common_source_options() const { return common_; }
    /// Every key of `sources.<plugin>`: the common ones, then the plugin's own
    /// (kept in SourceConfig::options).
    [[nodiscard]] std::vector<SourceOption> source_options(const SourcePlugin& plugin) const;

private:
    std::vector<const SourcePlugin*> plugins_;
    std::vector<ConfigOption> options_;
    std::vector<SourceOption> common_;
};

/// The values of a plugin's own keys for one source: the file's, else the
/// declared defaults. What the plugin sees in DiscoveryContext::options.
std::map<std::string, OptionValue> plugin_option_values(const SourcePlugin& plugin, const SourceConfig& source);

}  // namespace usage
