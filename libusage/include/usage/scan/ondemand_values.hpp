// Reads of simdjson on-demand values for the transcript parsers. Token
// counts follow the one rule of usage/model/token_limits.hpp; other fields are read
// leniently (a field of an unexpected type reads as 0 / empty instead of
// failing the whole line).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

#include "usage/model/token_limits.hpp"

namespace usage::detail {

/// An integer, or a positive double truncated; anything else is 0. For
/// numbers that are not token counts (timestamps, ids).
inline std::int64_t ondemand_int(simdjson::ondemand::value v) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) == simdjson::SUCCESS) return n;
    double d = 0;
    if (v.get_double().get(d) == simdjson::SUCCESS && d > 0 && d < 9e18) return static_cast<std::int64_t>(d);
    return 0;
}

/// A string's (unescaped) view, valid until the parser's next document; else empty.
inline std::string_view ondemand_str(simdjson::ondemand::value v) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return {};
    return s;
}

/// The first number of a record that broke the rule. The views point into
/// the parsed buffer (or are literals) and die with it.
struct BadNumber {
    std::string_view field;    ///< path of the field, a literal (`message.usage.output_tokens`)
    std::string_view value;    ///< its JSON text, or `an object` / `an array`
    std::string_view rule;     ///< what it should have been (kTokenCountRule, ...)
    const char* at = nullptr;  ///< where the value starts in the parsed buffer (for its line)

    [[nodiscard]] bool found() const { return !field.empty(); }
    /// Keep the first bad field only.
    void note(std::string_view f, simdjson::ondemand::value v, std::string_view what) {
        if (found()) return;
        field = f;
        rule = what;
        simdjson::ondemand::json_type type{};
        (void)v.type().get(type);
        std::string_view raw = v.raw_json_token();
        at = raw.data();
        if (type == simdjson::ondemand::json_type::object)
            value = "an object";
        else if (type == simdjson::ondemand::json_type::array)
            value = "an array";
        else
            value = raw;
    }
};

// A JSON integer in 0..max (`null` reads as 0), else noted in `bad` with `rule`.
inline bool ondemand_bounded_count(simdjson::ondemand::value v, std::int64_t& out, std::string_view field,
                                   BadNumber& bad, std::int64_t max, std::string_view rule) {
    std::uint64_t n = 0;
    if (v.get_uint64().get(n) == simdjson::SUCCESS && n <= static_cast<std::uint64_t>(max)) {
        out = static_cast<std::int64_t>(n);
        return true;
    }
    bool null = false;
    if (v.is_null().get(null) == simdjson::SUCCESS && null) {
        out = 0;
        return true;
    }
    bad.note(field, v, rule);
    return false;
}

/// A token count of one call under the rule of usage/model/token_limits.hpp: a
/// JSON integer in 0..kMaxTokensPerCall; `null` reads as 0 (not reported).
/// Anything else leaves `out` unchanged, is noted in `bad` under `field`, and
/// returns false. As fast as reading the integer.
inline bool ondemand_token_count(simdjson::ondemand::value v, std::int64_t& out, std::string_view field,
                                 BadNumber& bad) {
    return ondemand_bounded_count(v, out, field, bad, kMaxTokensPerCall, kTokenCountRule);
}

/// The same for a running total (Codex's cumulative usage): 0..kMaxRunningTokens.
inline bool ondemand_running_total(simdjson::ondemand::value v, std::int64_t& out, std::string_view field,
                                   BadNumber& bad) {
    return ondemand_bounded_count(v, out, field, bad, kMaxRunningTokens, kRunningTotalRule);
}

/// A cost in USD a tool reported for one call: a finite JSON number in
/// 0..kMaxCostMicrosPerCall (as dollars); `null` means not reported (`out`
/// is then left unchanged). Anything else is noted in `bad` and returns false.
inline bool ondemand_cost_usd(simdjson::ondemand::value v, double& out, std::string_view field, BadNumber& bad) {
    double d = 0;
    if (v.get_double().get(d) == simdjson::SUCCESS && d >= 0 && d <= static_cast<double>(kMaxCostMicrosPerCall) / 1e6) {
        out = d;
        return true;
    }
    bool null = false;
    if (v.is_null().get(null) == simdjson::SUCCESS && null) return true;
    bad.note(field, v, kCallCostRule);
    return false;
}

}  // namespace usage::detail
