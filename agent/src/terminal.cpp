#include "terminal.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace agent {

bool colour_enabled() {
    const char* no = std::getenv("NO_COLOR");
    return (no == nullptr || *no == '\0') && ::isatty(STDOUT_FILENO);
}

bool stderr_is_tty() {
    return ::isatty(STDERR_FILENO);
}

namespace {

// |n| without overflow: a saturated sum can be INT64_MIN.
unsigned long long magnitude(std::int64_t n) {
    return n < 0 ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
}

}  // namespace

std::string with_commas(std::int64_t n) {
    std::string digits = std::to_string(magnitude(n));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string compact(std::int64_t n) {
    char buf[32];
    double v = static_cast<double>(n);
    if (n < 10000) return with_commas(n);
    if (n < 1000000)
        std::snprintf(buf, sizeof buf, "%.1fK", v / 1e3);
    else if (n < 1000000000)
        std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.2fB", v / 1e9);
    return buf;
}

std::string dollars(std::int64_t micros) {
    // Whole cents, rounded half away from zero, in integers: no double on the
    // way, so $4,284.06 prints the same as the JSON's 4284.06.
    const std::uint64_t magnitude =
        micros < 0 ? static_cast<std::uint64_t>(-(micros + 1)) + 1 : static_cast<std::uint64_t>(micros);
    const std::uint64_t cents = magnitude / 10000 + (magnitude % 10000 >= 5000 ? 1 : 0);
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%02u", static_cast<unsigned>(cents % 100));
    return std::string(micros < 0 ? "-$" : "$") + with_commas(static_cast<std::int64_t>(cents / 100)) + frac;
}

std::string decimal_usd(std::int64_t micros) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s%llu.%06llu", micros < 0 ? "-" : "", magnitude(micros) / 1000000,
                  magnitude(micros) % 1000000);
    return buf;
}

std::string duration_words(std::int64_t seconds) {
    if (seconds < 60) return std::to_string(seconds < 0 ? 0 : seconds) + " s";
    const std::int64_t minutes = seconds / 60, hours = minutes / 60, days = hours / 24;
    std::string out;
    const auto part = [&](std::int64_t n, const char* unit) {
        if (!out.empty()) out += ' ';
        out += std::to_string(n);
        out += ' ';
        out += unit;
    };
    if (days > 0) {
        part(days, "d");
        if (hours % 24 > 0) part(hours % 24, "h");
    } else if (hours > 0) {
        part(hours, "h");
        if (minutes % 60 > 0) part(minutes % 60, "min");
    } else {
        part(minutes, "min");
    }
    return out;
}

std::string human_bytes(std::uint64_t bytes) {
    char buf[32];
    double v = static_cast<double>(bytes);
    if (bytes < 1024)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < (1u << 20))
        std::snprintf(buf, sizeof buf, "%.1f KB", v / 1024);
    else if (bytes < (1u << 30))
        std::snprintf(buf, sizeof buf, "%.1f MB", v / (1 << 20));
    else
        std::snprintf(buf, sizeof buf, "%.2f GB", v / (1 << 30));
    return buf;
}

}  // namespace agent
