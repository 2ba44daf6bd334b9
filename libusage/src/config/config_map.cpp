// The table of config keys: every key's type, bounds, default and help, and
// where its value lands in Config. Order here is the order of `config init`,
// `config show`, `config keys` and the docs.
#include "usage/config/config_map.hpp"

#include <algorithm>
#include <stdexcept>

#include "usage/config/config.hpp"
#include "usage/scan/source.hpp"
#include "usage/store/store_location.hpp"
#include "usage/sync/folder_url.hpp"

namespace usage {
namespace {

const std::string& text(const OptionValue& v) {
    return std::get<std::string>(v);
}
std::int64_t number(const OptionValue& v) {
    return std::get<std::int64_t>(v);
}
bool flag(const OptionValue& v) {
    return std::get<bool>(v);
}

std::vector<std::filesystem::path> paths(const OptionValue& v) {
    const auto& items = std::get<std::vector<std::string>>(v);
    return {items.begin(), items.end()};
}
std::vector<std::string> texts(const std::vector<std::filesystem::path>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(p.string());
    return out;
}

OptionSpec spec(std::string key, OptionType type, OptionValue default_value, std::string help) {
    OptionSpec s;
    s.key = std::move(key);
    s.type = type;
    s.default_value = std::move(default_value);
    s.help = std::move(help);
    return s;
}
OptionSpec bounded(OptionSpec s, std::optional<std::int64_t> min, std::optional<std::int64_t> max) {
    s.min = min;
    s.max = max;
    return s;
}
OptionSpec noted(OptionSpec s, std::string default_note) {
    s.default_note = std::move(default_note);
    return s;
}

// `PORT`, `:PORT` or `ADDR:PORT` with an IP literal (IPv6 in brackets) or
// `localhost`: the shape only; `run` resolves it, with the same rules.
void check_listen_address(const std::string& v) {
    if (v.empty()) return;
    const auto colon = v.rfind(':');
    const std::string port = colon == std::string::npos ? v : v.substr(colon + 1);
    const std::string host = colon == std::string::npos ? std::string() : v.substr(0, colon);
    const bool port_ok = !port.empty() && port.size() <= 5 &&
                         port.find_first_not_of("0123456789") == std::string::npos && std::stoi(port) <= 65535;
    const bool host_ok = host.empty() || host == "localhost" ||
                         (host.front() == '[' && host.back() == ']' && host.size() > 2 &&
                          host.find_first_not_of("0123456789abcdefABCDEF:.", 1) == host.size() - 1) ||
                         host.find_first_not_of("0123456789.") == std::string::npos;
    if (!port_ok || !host_ok)
        throw std::invalid_argument("expected PORT or ADDR:PORT (e.g. 9464 or 127.0.0.1:9464), got '" + v + "'");
}

const char* wsl_mode_name(WslConfig::Mode mode) {
    switch (mode) {
        case WslConfig::Mode::on: return "on";
        case WslConfig::Mode::off: return "off";
        case WslConfig::Mode::automatic: break;
    }
    return "auto";
}

std::vector<ConfigOption> builtin_options() {
    using T = OptionType;
    OptionSpec wsl_windows = spec("wsl.windows", T::enumeration, std::string("auto"),
                                  "Windows-side data: auto (when /proc/version mentions Microsoft), on or off");
    wsl_windows.allowed = {"auto", "on", "off"};
    wsl_windows.synonyms = {{"true", "on"}, {"false", "off"}};
    const std::int64_t i64 = 0;  // names the variant alternative of integer defaults
    return {
        {noted(spec("machine_name", T::string, std::string(), "This machine's name in reports (report machines)"),
               "the host name"),
         [](Config& c, const OptionValue& v) { c.machine_name = text(v); },
         [](const Config& c) -> OptionValue { return c.machine_name; }},
        {noted(spec("user", T::string, std::string(), "Your name in reports (report users)"),
               "$USER, else $LOGNAME, else unknown"),
         [](Config& c, const OptionValue& v) { c.user = text(v); },
         [](const Config& c) -> OptionValue { return c.user; }},
        {spec("pricing.overrides", T::price_table, std::vector<ModelPrice>(),
              "Prices by model id: {input, output[, cache_read, cache_write_5m, cache_write_1h]} in USD per "
              "million tokens; they win over all others"),
         [](Config& c, const OptionValue& v) { c.price_overrides = std::get<std::vector<ModelPrice>>(v); },
         [](const Config& c) -> OptionValue { return c.price_overrides; }},
        {spec("budgets", T::budget_list, std::vector<BudgetConfig>(),
              "Spending limits per day, week or month, with alerts (webhook, desktop, command) at thresholds: "
              "entries of name, period, limit_usd and optional thresholds, time_zone, filter, per, notify; "
              "see docs/budgets.md"),
         [](Config& c, const OptionValue& v) { c.budgets = std::get<std::vector<BudgetConfig>>(v); },
         [](const Config& c) -> OptionValue { return c.budgets; }},
        {spec("sync.endpoint", T::url, std::string(),
              "Team endpoint to push to, e.g. https://usage.example.com, or a shared folder, file:///path (docs/"
              "folder-sync.md); empty = no push"),
         [](Config& c, const OptionValue& v) { c.sync.endpoint = text(v); },
         [](const Config& c) -> OptionValue { return c.sync.endpoint; }},
        {spec("sync.token_file", T::path, std::string(),
              "File holding the push token, mode 0600; $USAGE_AGENT_TOKEN wins"),
         [](Config& c, const OptionValue& v) { c.sync.token_file = text(v); },
         [](const Config& c) -> OptionValue { return c.sync.token_file.string(); }},
        {bounded(spec("sync.batch_size", T::integer, i64 + 500, "Events per pushed batch (also at most ~4 MB of JSON)"),
                 1, 10000),
         [](Config& c, const OptionValue& v) { c.sync.batch_size = static_cast<int>(number(v)); },
         [](const Config& c) -> OptionValue { return std::int64_t{c.sync.batch_size}; }},
        {bounded(spec("sync.interval", T::duration, i64 + 300,
                      "run: seconds between safety rescans, and before retrying a refused push"),
                 1, std::nullopt),
         [](Config& c, const OptionValue& v) { c.sync.interval_seconds = static_cast<int>(number(v)); },
         [](const Config& c) -> OptionValue { return std::int64_t{c.sync.interval_seconds}; }},
        {bounded(spec("sync.max_attempts", T::integer, i64 + 6,
                      "Tries per batch and run (backoff from 0.5 s doubling, at most 60 s)"),
                 1, 100),
         [](Config& c, const OptionValue& v) { c.sync.max_attempts = static_cast<int>(number(v)); },
         [](const Config& c) -> OptionValue { return std::int64_t{c.sync.max_attempts}; }},
        {bounded(spec("sync.timeout", T::duration, i64 + 120, "Seconds to wait for the answer to one batch"), 1, 3600),
         [](Config& c, const OptionValue& v) { c.sync.timeout_seconds = static_cast<int>(number(v)); },
         [](const Config& c) -> OptionValue { return std::int64_t{c.sync.timeout_seconds}; }},
        {spec("sync.ca_file", T::path, std::string(), "Extra CA bundle for the endpoint's TLS"),
         [](Config& c, const OptionValue& v) { c.sync.ca_file = text(v); },
         [](const Config& c) -> OptionValue { return c.sync.ca_file.string(); }},
        {spec("sync.insecure_skip_verify", T::boolean, false, "Skip the endpoint's TLS verification (tests only)"),
         [](Config& c, const OptionValue& v) { c.sync.insecure_skip_verify = flag(v); },
         [](const Config& c) -> OptionValue { return c.sync.insecure_skip_verify; }},
        {spec("exporters.otlp.endpoint", T::url, std::string(),
              "OpenTelemetry receiver (OTLP/HTTP, JSON), e.g. http://localhost:4318; empty = no export"),
         [](Config& c, const OptionValue& v) {
             // url keys take file:/// folders (sync.endpoint's shared folder); a receiver is HTTP only.
             if (sync::is_folder_url(text(v)))
                 throw std::invalid_argument("must be an http:// or https:// URL (an OTLP receiver), got '" + text(v) +
                                             "'");
             c.exporters.otlp.endpoint = text(v);
         },
         [](const Config& c) -> OptionValue { return c.exporters.otlp.endpoint; }},
        {spec("exporters.otlp.headers", T::header_list, std::vector<std::string>(),
              "Headers sent to the receiver, e.g. ['Authorization: Bearer ...']; `config show` hides the values"),
         [](Config& c, const OptionValue& v) { c.exporters.otlp.headers = std::get<std::vector<std::string>>(v); },
         [](const Config& c) -> OptionValue { return c.exporters.otlp.headers; }},
        {bounded(spec("exporters.otlp.batch_size", T::integer, i64 + 500,
                      "Log records per request (also at most ~4 MB of JSON)"),
                 1, 10000),
         [](Config& c, const OptionValue& v) { c.exporters.otlp.batch_size = static_cast<int>(number(v)); },
         [](const Config& c) -> OptionValue { return std::int64_t{c.exporters.otlp.batch_size}; }},
        {noted(spec("serve.store", T::string, std::string(),
                    "Where `serve` keeps the team's data: sqlite:///DIR or postgresql://user@host:port/db"),
               "the state dir's store"),
         [](Config& c, const OptionValue& v) {
             if (!text(v).empty()) StoreLocation::parse(text(v));  // refused here, naming the key and line
             c.serve.store = text(v);
         },
         [](const Config& c) -> OptionValue { return c.serve.store; }},
        {noted(spec("metrics.listen", T::string, std::string(),
                    "run: serve Prometheus metrics at http://ADDR:PORT/metrics (a bare port: on 127.0.0.1)"),
               "off"),
         [](Config& c, const OptionValue& v) {
             check_listen_address(text(v));  // refused here, naming the key and line
             c.metrics.listen = text(v);
         },
         [](const Config& c) -> OptionValue { return c.metrics.listen; }},
        {wsl_windows,
         [](Config& c, const OptionValue& v) {
             c.wsl.mode = text(v) == "on"    ? WslConfig::Mode::on
                          : text(v) == "off" ? WslConfig::Mode::off
                                             : WslConfig::Mode::automatic;
         },
         [](const Config& c) -> OptionValue { return std::string(wsl_mode_name(c.wsl.mode)); }},
        {spec("wsl.windows_drive", T::path, std::string("/mnt/c"),
              "Holds Users/<name>/; setting it turns wsl.windows on unless that is set too"),
         [](Config& c, const OptionValue& v) { c.wsl.windows_drive = text(v); },
         [](const Config& c) -> OptionValue { return c.wsl.windows_drive.string(); }},
    };
}

std::vector<SourceOption> common_source_options() {
    using T = OptionType;
    return {
        {spec("enabled", T::boolean, true, "Scan this source"),
         [](SourceConfig& s, const OptionValue& v) { s.enabled = flag(v); },
         [](const SourceConfig& s, const SourcePlugin&) -> OptionValue { return s.enabled; }},
        {spec("paths", T::path_list, std::vector<std::string>(), "Extra roots to scan besides the tool's own folders"),
         [](SourceConfig& s, const OptionValue& v) { s.paths = paths(v); },
         [](const SourceConfig& s, const SourcePlugin&) -> OptionValue { return texts(s.paths); }},
        // The default is the plugin's: 0 for transcripts that only grow, more
        // for a database an editor rewrites all the time.
        {bounded(spec("min_interval", T::duration, std::int64_t{0},
                      "run: seconds at least between two scans of a source that keeps changing"),
                 0, 86400),
         [](SourceConfig& s, const OptionValue& v) { s.min_interval_seconds = static_cast<int>(number(v)); },
         [](const SourceConfig& s, const SourcePlugin& p) -> OptionValue {
             return std::int64_t{s.min_interval_seconds.value_or(p.default_min_interval_seconds())};
         }},
    };
}

/// Whether the default is of the type's alternative: a default of the wrong
/// kind would be shown and handed to the plugin as something else.
bool default_fits(const OptionSpec& s) {
    switch (s.type) {
        case OptionType::boolean: return std::holds_alternative<bool>(s.default_value);
        case OptionType::integer:
        case OptionType::duration: return std::holds_alternative<std::int64_t>(s.default_value);
        case OptionType::path_list:
        case OptionType::header_list: return std::holds_alternative<std::vector<std::string>>(s.default_value);
        case OptionType::price_table: return std::holds_alternative<std::vector<ModelPrice>>(s.default_value);
        case OptionType::budget_list: return std::holds_alternative<std::vector<BudgetConfig>>(s.default_value);
        default: return std::holds_alternative<std::string>(s.default_value);
    }
}

}  // namespace

const ConfigMap& ConfigMap::standard() {
    static const ConfigMap map = [] {
        std::vector<const SourcePlugin*> plugins;
        for (const auto& p : source_plugins()) plugins.push_back(p.get());
        return ConfigMap(std::move(plugins));
    }();
    return map;
}

ConfigMap::ConfigMap(std::vector<const SourcePlugin*> plugins)
    : plugins_(std::move(plugins)), options_(builtin_options()), common_(usage::common_source_options()) {
    // A clash would make a key mean two things; caught when the map is built
    // (every test run builds the standard one) rather than in a user's file.
    for (const SourcePlugin* p : plugins_)
        for (const auto& own : p->config_options()) {
            const bool common = std::any_of(common_.begin(), common_.end(),
                                            [&](const SourceOption& o) { return o.spec.key == own.key; });
            if (common || own.key.empty() || own.key.find('.') != std::string::npos)
                throw std::logic_error("source '" + std::string(p->name()) + "' declares the config key '" + own.key +
                                       "', which is a common key or not a plain name");
            if (!default_fits(own))
                throw std::logic_error("source '" + std::string(p->name()) + "' declares the config key '" + own.key +
                                       "' with a default of another type");
        }
}

const SourcePlugin* ConfigMap::plugin(std::string_view name) const {
    for (const SourcePlugin* p : plugins_)
        if (p->name() == name) return p;
    return nullptr;
}

std::vector<SourceOption> ConfigMap::source_options(const SourcePlugin& plugin) const {
    std::vector<SourceOption> out = common_;
    for (auto& own : plugin.config_options()) {
        const std::string key = own.key;
        const OptionValue fallback = own.default_value;
        out.push_back({std::move(own), [key](SourceConfig& s, const OptionValue& v) { s.options[key] = v; },
                       [key, fallback](const SourceConfig& s, const SourcePlugin&) -> OptionValue {
                           auto it = s.options.find(key);
                           return it == s.options.end() ? fallback : it->second;
                       }});
    }
    return out;
}

std::map<std::string, OptionValue> plugin_option_values(const SourcePlugin& plugin, const SourceConfig& source) {
    std::map<std::string, OptionValue> out;
    for (const auto& own : plugin.config_options()) {
        auto it = source.options.find(own.key);
        out[own.key] = it == source.options.end() ? own.default_value : it->second;
    }
    return out;
}

}  // namespace usage
