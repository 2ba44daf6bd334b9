// What the corpus generators share (gen_amp, gen_qwen_code, gen_gemini,
// gen_vscode_tasks, gen_goose, gen_droid): a seeded
// random source with the same sequence everywhere, ISO timestamps and JSON
// string escaping as the tools write them. Standard library only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace bench {

// splitmix64: the same sequence on every platform (std distributions are not).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::int64_t range(std::int64_t lo, std::int64_t hi) {  // inclusive
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool chance(int percent) { return range(0, 99) < percent; }
    std::string hex(int n) {
        static const char* digits = "0123456789abcdef";
        std::string s;
        for (int i = 0; i < n; ++i) s.push_back(digits[next() & 15]);
        return s;
    }
    std::string uuid() {
        return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-" + std::string(1, "89ab"[next() & 3]) + hex(3) + "-" +
               hex(12);
    }

private:
    std::uint64_t s_;
};

// UTC milliseconds -> `YYYY-MM-DDTHH:MM:SS.mmmZ` (days -> civil date after H. Hinnant).
inline std::string iso(std::int64_t ms) {
    std::int64_t days = ms / 86400000, rem = ms % 86400000;
    days += 719468;
    const std::int64_t era = days / 146097, doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600000),
                  static_cast<long long>(rem / 60000 % 60), static_cast<long long>(rem / 1000 % 60),
                  static_cast<long long>(rem % 1000));
    return buf;
}

// A JSON string literal, escaped as JSON.stringify does.
inline std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

}  // namespace bench
