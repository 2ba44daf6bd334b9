// YAML configuration: parsing with strict validation, defaults, rendering.
#include "usage/config/config.hpp"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "usage/scan/source.hpp"

namespace usage {
namespace {

class Validator {
public:
    explicit Validator(std::filesystem::path origin) : origin_(std::move(origin)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
        std::ostringstream msg;
        msg << origin_.string();
        if (node.Mark().line >= 0) msg << ":" << node.Mark().line + 1;
        msg << ": " << what;
        throw ConfigError(msg.str());
    }

    /// A mapping key as text; YAML allows lists and maps as keys, we do not.
    std::string key_text(const YAML::Node& key) const {
        if (!key.IsScalar()) fail(key, "a key must be plain text, not a list or mapping");
        return key.Scalar();
    }

    /// yaml-cpp keeps both entries of a repeated key and lookups see only the
    /// first, so a second `batch_size:` would be silently ignored.
    void unique_keys(const YAML::Node& node, const std::string& where) const {
        if (node.IsSequence())
            for (const auto& item : node) unique_keys(item, where);
        if (!node.IsMap()) return;
        std::map<std::string, int> first_line;
        for (const auto& kv : node) {
            const std::string key = qualified(where, key_text(kv.first));
            const int line = kv.first.Mark().line + 1;
            if (auto [it, fresh] = first_line.emplace(key, line); !fresh)
                fail(kv.first, "duplicate key '" + key + "' (first on line " + std::to_string(it->second) + ")");
            unique_keys(kv.second, key);
        }
    }

    void only_keys(const YAML::Node& map, const std::string& where, const std::set<std::string>& allowed) const {
        if (!map.IsMap()) fail(map, "'" + where + "' must be a mapping");
        for (const auto& kv : map) {
            auto key = key_text(kv.first);
            if (!allowed.contains(key)) {
                std::string known;
                for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
                fail(kv.first, "unknown key '" + qualified(where, key) + "' (known: " + known + ")");
            }
        }
    }

    template <typename T>
    T scalar(const YAML::Node& node, const std::string& key, const char* type_name) const {
        if (!node.IsScalar()) fail(node, "'" + key + "' must be " + type_name);
        try {
            return node.as<T>();
        } catch (const YAML::Exception&) {
            fail(node, "'" + key + "' must be " + type_name + ", got '" + node.Scalar() + "'");
        }
    }

    static std::string qualified(const std::string& where, const std::string& key) {
        return where.empty() ? key : where + "." + key;
    }

private:
    std::filesystem::path origin_;
};

std::vector<std::filesystem::path> path_list(const Validator& v, const YAML::Node& node, const std::string& key) {
    std::vector<std::filesystem::path> out;
    if (!node.IsSequence()) v.fail(node, "'" + key + "' must be a list of paths");
    for (const auto& item : node) out.emplace_back(v.scalar<std::string>(item, key, "a path"));
    return out;
}

ModelPrice parse_override(const Validator& v, const std::string& model, const YAML::Node& node) {
    const std::string where = "pricing.overrides." + model;
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

std::string hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

}  // namespace

SourceConfig Config::source(const std::string& name) const {
    auto it = sources.find(name);
    return it == sources.end() ? SourceConfig{} : it->second;
}

std::filesystem::path default_config_path(const Environment& env) {
    return env.xdg_home("CONFIG") / "usage-agent" / "config.yaml";
}

Config parse_config(const std::string& yaml_text, const std::filesystem::path& origin) {
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
    v.only_keys(root, "", {"machine_name", "user", "sources", "pricing", "sync", "wsl"});
    if (root["machine_name"]) c.machine_name = v.scalar<std::string>(root["machine_name"], "machine_name", "a string");
    if (root["user"]) c.user = v.scalar<std::string>(root["user"], "user", "a string");
    if (auto sources = root["sources"]) {
        if (!sources.IsMap()) v.fail(sources, "'sources' must be a mapping of source name to settings");
        for (const auto& kv : sources) {
            auto name = kv.first.as<std::string>();
            if (!find_source_plugin(name)) {
                std::string known;
                for (const auto& p : source_plugins()) known += (known.empty() ? "" : ", ") + std::string(p->name());
                v.fail(kv.first, "unknown source 'sources." + name + "' (known: " + known + ")");
            }
            const std::string where = "sources." + name;
            v.only_keys(kv.second, where, {"enabled", "paths", "min_interval"});
            SourceConfig sc;
            if (kv.second["enabled"])
                sc.enabled = v.scalar<bool>(kv.second["enabled"], where + ".enabled", "true or false");
            if (kv.second["paths"]) sc.paths = path_list(v, kv.second["paths"], where + ".paths");
            if (const auto mi = kv.second["min_interval"]) {
                sc.min_interval_seconds = v.scalar<int>(mi, where + ".min_interval", "an integer (seconds)");
                if (*sc.min_interval_seconds < 0 || *sc.min_interval_seconds > 86400)
                    v.fail(mi, "'" + where + ".min_interval' must be from 0 to 86400 seconds");
            }
            c.sources[name] = sc;
        }
    }
    if (auto pricing = root["pricing"]) {
        v.only_keys(pricing, "pricing", {"overrides"});
        if (auto ov = pricing["overrides"]) {
            if (!ov.IsMap()) v.fail(ov, "'pricing.overrides' must be a mapping of model id to prices");
            for (const auto& kv : ov)
                c.price_overrides.push_back(parse_override(v, kv.first.as<std::string>(), kv.second));
        }
    }
    if (auto sync = root["sync"]) {
        v.only_keys(sync, "sync",
                    {"endpoint", "token_file", "batch_size", "interval", "max_attempts", "timeout", "ca_file",
                     "insecure_skip_verify"});
        if (sync["endpoint"]) {
            c.sync.endpoint = v.scalar<std::string>(sync["endpoint"], "sync.endpoint", "a URL");
            if (!c.sync.endpoint.empty() && !is_http_url(c.sync.endpoint))
                v.fail(sync["endpoint"],
                       "'sync.endpoint' must be an http:// or https:// URL, got '" + c.sync.endpoint + "'");
        }
        if (sync["token_file"])
            c.sync.token_file = v.scalar<std::string>(sync["token_file"], "sync.token_file", "a path");
        if (sync["batch_size"]) {
            c.sync.batch_size = v.scalar<int>(sync["batch_size"], "sync.batch_size", "an integer");
            if (c.sync.batch_size < 1 || c.sync.batch_size > 10000)
                v.fail(sync["batch_size"], "'sync.batch_size' must be between 1 and 10000");
        }
        if (sync["interval"]) {
            c.sync.interval_seconds = v.scalar<int>(sync["interval"], "sync.interval", "an integer (seconds)");
            if (c.sync.interval_seconds < 1) v.fail(sync["interval"], "'sync.interval' must be at least 1 second");
        }
        if (sync["max_attempts"]) {
            c.sync.max_attempts = v.scalar<int>(sync["max_attempts"], "sync.max_attempts", "an integer");
            if (c.sync.max_attempts < 1 || c.sync.max_attempts > 100)
                v.fail(sync["max_attempts"], "'sync.max_attempts' must be between 1 and 100");
        }
        if (sync["timeout"]) {
            c.sync.timeout_seconds = v.scalar<int>(sync["timeout"], "sync.timeout", "an integer (seconds)");
            if (c.sync.timeout_seconds < 1 || c.sync.timeout_seconds > 3600)
                v.fail(sync["timeout"], "'sync.timeout' must be between 1 and 3600 seconds");
        }
        if (sync["ca_file"]) c.sync.ca_file = v.scalar<std::string>(sync["ca_file"], "sync.ca_file", "a path");
        if (sync["insecure_skip_verify"])
            c.sync.insecure_skip_verify =
                v.scalar<bool>(sync["insecure_skip_verify"], "sync.insecure_skip_verify", "true or false");
    }
    if (auto wsl = root["wsl"]) {
        v.only_keys(wsl, "wsl", {"windows", "windows_drive"});
        if (auto mode = wsl["windows"]) {
            auto text = v.scalar<std::string>(mode, "wsl.windows", "auto, on or off");
            if (text == "auto")
                c.wsl.mode = WslConfig::Mode::automatic;
            else if (text == "on" || text == "true")
                c.wsl.mode = WslConfig::Mode::on;
            else if (text == "off" || text == "false")
                c.wsl.mode = WslConfig::Mode::off;
            else
                v.fail(mode, "'wsl.windows' must be auto, on or off, got '" + text + "'");
        }
        if (wsl["windows_drive"]) {
            c.wsl.windows_drive = v.scalar<std::string>(wsl["windows_drive"], "wsl.windows_drive", "a path");
            if (!wsl["windows"]) c.wsl.mode = WslConfig::Mode::on;
        }
    }
    return c;
}

Config load_config(const std::filesystem::path& path, const Environment& env) {
    Config c;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ConfigError(path.string() + ": is a directory; the config is a file (e.g. " +
                          (path / "config.yaml").string() + ")");
    std::ifstream in(path);
    if (in) {
        std::ostringstream text;
        text << in.rdbuf();
        c = parse_config(text.str(), path);
    } else if (std::filesystem::exists(path)) {
        throw ConfigError(path.string() + ": cannot be read");
    }
    c.path = path;
    // Paths may start with ~/ (the user's home), as in the commented default.
    auto expand = [&](std::filesystem::path& p) {
        const std::string text = p.string();
        if (text == "~" || text.starts_with("~/")) p = env.home() / text.substr(std::min<std::size_t>(2, text.size()));
    };
    for (auto& [name, sc] : c.sources)
        for (auto& p : sc.paths) expand(p);
    expand(c.sync.token_file);
    expand(c.sync.ca_file);
    expand(c.wsl.windows_drive);
    if (c.machine_name.empty()) c.machine_name = hostname();
    if (c.user.empty()) c.user = env.get("USER").value_or(env.get("LOGNAME").value_or("unknown"));
    return c;
}

std::string default_config_text() {
    return R"(# usage-agent configuration. Every key is optional.
# machine_name: my-laptop        # default: the host name
# user: alice                    # default: $USER
#
# sources:                       # every source is enabled by default
#   claude-code:
#     enabled: true
#     paths: [/mnt/c/Users/alice/.claude/projects]   # extra roots
#   cursor:
#     min_interval: 10           # `run`: seconds at least between scans of a busy database
#
# pricing:
#   overrides:                   # USD per million tokens; wins over everything
#     claude-sonnet-4-5:
#       input: 3.0
#       output: 15.0
#       cache_read: 0.3
#       cache_write_5m: 3.75
#       cache_write_1h: 6.0
#
# wsl:                           # Windows-side data when running under WSL
#   windows: auto                # auto (detect WSL), on or off
#   windows_drive: /mnt/c        # where Users/<name>/ lives; setting it turns it on
#
# sync:                          # used by the push to a team endpoint
#   endpoint: https://usage.example.com
#   token_file: ~/.config/usage-agent/token   # must be mode 0600
#   batch_size: 500
#   interval: 300                # seconds
#   max_attempts: 6              # tries per batch and run (backoff 0.5 s doubling, max 60 s)
#   timeout: 120                 # seconds to wait for the answer to one batch
#   ca_file: /etc/ssl/certs/my-ca.pem
#   insecure_skip_verify: false
)";
}

std::string render_config(const Config& c) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "machine_name" << YAML::Value << c.machine_name;
    out << YAML::Key << "user" << YAML::Value << c.user;
    out << YAML::Key << "sources" << YAML::Value << YAML::BeginMap;
    for (const auto& p : source_plugins()) {
        auto sc = c.source(std::string(p->name()));
        out << YAML::Key << std::string(p->name()) << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "enabled" << YAML::Value << sc.enabled;
        out << YAML::Key << "paths" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& path : sc.paths) out << path.string();
        out << YAML::EndSeq;
        out << YAML::Key << "min_interval" << YAML::Value
            << sc.min_interval_seconds.value_or(p->default_min_interval_seconds());
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
    if (!c.price_overrides.empty()) {
        out << YAML::Key << "pricing" << YAML::Value << YAML::BeginMap << YAML::Key << "overrides" << YAML::Value
            << YAML::BeginMap;
        for (const auto& p : c.price_overrides) {
            out << YAML::Key << p.model << YAML::Value << YAML::BeginMap;
            out << YAML::Key << "input" << YAML::Value << p.base.input;
            out << YAML::Key << "output" << YAML::Value << p.base.output;
            out << YAML::Key << "cache_read" << YAML::Value << p.base.cache_read;
            out << YAML::Key << "cache_write_5m" << YAML::Value << p.base.cache_write_5m;
            if (p.base.cache_write_1h) out << YAML::Key << "cache_write_1h" << YAML::Value << *p.base.cache_write_1h;
            out << YAML::EndMap;
        }
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::Key << "sync" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "endpoint" << YAML::Value << c.sync.endpoint;
    out << YAML::Key << "token_file" << YAML::Value << c.sync.token_file.string();
    out << YAML::Key << "batch_size" << YAML::Value << c.sync.batch_size;
    out << YAML::Key << "interval" << YAML::Value << c.sync.interval_seconds;
    out << YAML::Key << "max_attempts" << YAML::Value << c.sync.max_attempts;
    out << YAML::Key << "timeout" << YAML::Value << c.sync.timeout_seconds;
    out << YAML::Key << "ca_file" << YAML::Value << c.sync.ca_file.string();
    out << YAML::Key << "insecure_skip_verify" << YAML::Value << c.sync.insecure_skip_verify;
    out << YAML::EndMap;
    out << YAML::Key << "wsl" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "windows" << YAML::Value
        << (c.wsl.mode == WslConfig::Mode::on    ? "on"
            : c.wsl.mode == WslConfig::Mode::off ? "off"
                                                 : "auto");
    out << YAML::Key << "windows_drive" << YAML::Value << c.wsl.windows_drive.string();
    out << YAML::EndMap << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace usage
