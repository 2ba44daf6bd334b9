#include "droid_settings.hpp"

namespace usage::plugins::droid {
namespace {

namespace od = simdjson::ondemand;

// tokenUsage's counts; totalTokens (written by some versions) is their sum
// and is not read.
SettingsOutcome read_usage(od::value v, Settings& out) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return SettingsOutcome::malformed;
    Usage u;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return SettingsOutcome::malformed;
        std::int64_t* target = key == "inputTokens"           ? &u.input
                               : key == "outputTokens"        ? &u.output
                               : key == "cacheCreationTokens" ? &u.cache_creation
                               : key == "cacheReadTokens"     ? &u.cache_read
                               : key == "thinkingTokens"      ? &u.thinking
                                                              : nullptr;
        if (!target) continue;
        od::value value;
        if (field.value().get(value) != simdjson::SUCCESS) return SettingsOutcome::malformed;
        // The field names of the message: tokenUsage.<key>, literals only.
        const std::string_view name = target == &u.input            ? "tokenUsage.inputTokens"
                                      : target == &u.output         ? "tokenUsage.outputTokens"
                                      : target == &u.cache_creation ? "tokenUsage.cacheCreationTokens"
                                      : target == &u.cache_read     ? "tokenUsage.cacheReadTokens"
                                                                    : "tokenUsage.thinkingTokens";
        if (!detail::ondemand_running_total(value, *target, name, out.bad)) return SettingsOutcome::invalid;
    }
    out.usage = u;
    return SettingsOutcome::ok;
}

}  // namespace

SettingsOutcome parse_settings(od::parser& parser, const char* json, std::size_t size, std::size_t capacity,
                               Settings& out) {
    out = Settings{};
    od::document doc;
    if (parser.iterate(json, size, capacity).get(doc) != simdjson::SUCCESS) return SettingsOutcome::malformed;
    od::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) return SettingsOutcome::malformed;
    // Every field is visited: a file cut off mid-write fails the iteration
    // (ondemand reports the broken structure when it reaches it).
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return SettingsOutcome::malformed;
        od::value value;
        if (field.value().get(value) != simdjson::SUCCESS) return SettingsOutcome::malformed;
        if (key == "model") {
            out.model.assign(detail::ondemand_str(value));
        } else if (key == "providerLock") {
            out.provider_lock.assign(detail::ondemand_str(value));
        } else if (key == "tokenUsage") {
            const SettingsOutcome o = read_usage(value, out);
            if (o != SettingsOutcome::ok) return o;
        }
    }
    return SettingsOutcome::ok;
}

}  // namespace usage::plugins::droid
