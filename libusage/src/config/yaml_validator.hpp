// Errors of a config file, each naming FILE:LINE and the full key, and the
// structural checks (duplicate and unknown keys) every mapping goes through.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "usage/config/config.hpp"
#include "usage/config/option.hpp"

namespace usage {

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
    T scalar(const YAML::Node& node, const std::string& key, const std::string& type_name) const {
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

/// Whether `url` is http(s)://host[:port][/path] (what libcurl should reach).
bool is_http_url(const std::string& url);

/// The value of `node` for the key `spec` describes, checked against its type,
/// bounds and allowed values; `key` is the full dotted key for messages.
OptionValue read_option_value(const Validator& v, const YAML::Node& node, const OptionSpec& spec,
                              const std::string& key);

}  // namespace usage
