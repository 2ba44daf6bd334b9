// Lenient reads of simdjson on-demand values for the transcript parsers:
// a field of an unexpected type reads as 0 / empty instead of failing the
// whole line, because tools change number encodings (1e3, 12.0) between
// versions and a count must not be lost over it.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

namespace usage::detail {

/// An integer, or a positive double truncated; anything else is 0.
inline std::int64_t ondemand_int(simdjson::ondemand::value v) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) == simdjson::SUCCESS) return n;
    double d = 0;
    if (v.get_double().get(d) == simdjson::SUCCESS && d > 0) return static_cast<std::int64_t>(d);
    return 0;
}

/// A string's (unescaped) view, valid until the parser's next document; else empty.
inline std::string_view ondemand_str(simdjson::ondemand::value v) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return {};
    return s;
}

}  // namespace usage::detail
