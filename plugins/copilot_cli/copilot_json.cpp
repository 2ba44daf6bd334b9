#include "copilot_json.hpp"

#include <cmath>

namespace usage::plugins::copilot {

bool read_count(simdjson::dom::object obj, std::string_view key, std::int64_t& out, BadCount& bad,
                std::string_view field, std::int64_t max, std::string_view rule) {
    simdjson::dom::element v;
    if (obj.at_key(key).get(v) != simdjson::SUCCESS || v.is_null()) {
        out = 0;
        return true;
    }
    std::uint64_t n = 0;
    if (v.type() == simdjson::dom::element_type::UINT64 || v.type() == simdjson::dom::element_type::INT64) {
        if (v.get_uint64().get(n) == simdjson::SUCCESS && n <= static_cast<std::uint64_t>(max)) {
            out = static_cast<std::int64_t>(n);
            return true;
        }
    }
    if (!bad.found()) {
        bad.field = field;
        bad.value = simdjson::minify(v);
        bad.rule = rule;
    }
    return false;
}

std::string_view str(simdjson::dom::object obj, std::string_view key) {
    std::string_view s;
    if (obj.at_key(key).get_string().get(s) != simdjson::SUCCESS) return {};
    return s;
}

double number(simdjson::dom::object obj, std::string_view key, double fallback) {
    double d = 0;
    if (obj.at_key(key).get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d) || d < 0) return fallback;
    return d;
}

}  // namespace usage::plugins::copilot
