// usage/config/config.hpp — the user's configuration (YAML).
//
// Loaded from $XDG_CONFIG_HOME/usage-agent/config.yaml unless a path is
// given. Every key is validated: an unknown key or a wrong type throws
// ConfigError naming the file, line and key. The keys, their types and
// defaults are the table in config_map.hpp; the functions below take it as an
// argument so tests can add plugins of their own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "usage/config/config_map.hpp"
#include "usage/config/environment.hpp"
#include "usage/pricing/pricing.hpp"

namespace usage {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct SourceConfig {
    bool enabled = true;
    std::vector<std::filesystem::path> paths;  ///< extra roots
    /// `usage-agent run`: seconds at least between two scans of a source that
    /// keeps changing; unset = the plugin's default_min_interval_seconds().
    std::optional<int> min_interval_seconds;
    /// The plugin's own keys (SourcePlugin::config_options()) that the file
    /// sets; plugin_option_values() fills in the defaults.
    std::map<std::string, OptionValue> options;
};

struct SyncConfig {
    std::string endpoint;
    std::filesystem::path token_file;
    int batch_size = 500;
    int interval_seconds = 300;
    int max_attempts = 6;       ///< per batch and run, before the push gives up until the next run
    int timeout_seconds = 120;  ///< for the endpoint's answer to one batch (transfer included)
    std::filesystem::path ca_file;
    bool insecure_skip_verify = false;
};

/// The OTLP/HTTP exporter (docs/otlp.md). Timeouts, attempts and TLS are
/// the sync.* ones: one set of delivery settings per machine.
struct OtlpExporterConfig {
    std::string endpoint;              ///< base URL of the receiver; empty: off
    std::vector<std::string> headers;  ///< "Name: value" lines sent with every request (may hold secrets)
    int batch_size = 500;              ///< log records per request
};

struct ExportersConfig {
    OtlpExporterConfig otlp;
};

/// `usage-agent serve`.
struct ServeConfig {
    /// Where serve keeps the team's data: a StoreLocation (sqlite:///DIR or
    /// postgresql://...); empty: the state dir's SQLite store.
    std::string store;
};

/// `run`'s Prometheus endpoint.
struct MetricsConfig {
    /// ADDR:PORT, or a bare port on 127.0.0.1; empty: no endpoint.
    std::string listen;
};

/// Windows-side data seen from WSL.
struct WslConfig {
    /// `auto`: look under /mnt/c when /proc/version mentions Microsoft;
    /// `on`: always look under `windows_drive`; `off`: never.
    enum class Mode { automatic, on, off } mode = Mode::automatic;
    std::filesystem::path windows_drive = "/mnt/c";  ///< holds Users/<name>/
};

struct Config {
    std::filesystem::path path;  ///< where it was loaded from (may not exist)
    bool loaded = false;         ///< false when no file existed
    std::string machine_name;    ///< default: hostname
    std::string user;            ///< default: $USER
    std::map<std::string, SourceConfig> sources;
    std::vector<ModelPrice> price_overrides;
    std::vector<BudgetConfig> budgets;  ///< `budgets:` (docs/budgets.md)
    SyncConfig sync;
    ExportersConfig exporters;
    ServeConfig serve;
    MetricsConfig metrics;
    WslConfig wsl;

    [[nodiscard]] SourceConfig source(const std::string& name) const;
};

/// Default location: $XDG_CONFIG_HOME/usage-agent/config.yaml.
std::filesystem::path default_config_path(const Environment& env);

/// Parse YAML text; `origin` names the file in error messages.
Config parse_config(const std::string& yaml_text, const std::filesystem::path& origin,
                    const ConfigMap& map = ConfigMap::standard());

/// Load `path`; a missing file gives the defaults (loaded = false).
Config load_config(const std::filesystem::path& path, const Environment& env,
                   const ConfigMap& map = ConfigMap::standard());

/// A commented starting config for `config init`: every key at its default,
/// commented out, with its help.
std::string default_config_text(const ConfigMap& map = ConfigMap::standard());

/// Render the effective config back as YAML for `config show`.
std::string render_config(const Config& config, const ConfigMap& map = ConfigMap::standard());

/// Every key with its type, default and help for `config keys`: plain text,
/// or the Markdown table that docs/cli.md holds.
std::string config_keys_text(const ConfigMap& map = ConfigMap::standard());
std::string config_keys_markdown(const ConfigMap& map = ConfigMap::standard());

}  // namespace usage
