// gen_claude_text.cpp — deterministic randomness, ids, timestamps and JSON
// string filler for bench_gen_claude_tree.
#include "gen_claude_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace bench {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

void append_padded(std::string& out, std::int64_t value, int width) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    (void)ec;
    for (auto written = end - digits; written < width; ++written) out += '0';
    out.append(digits, end);
}

// Already JSON-escaped string content. Spaces only ever sit between complete
// escapes / characters, which is what makes FillerText's cut points safe.
const char* const kFragments[] = {
    R"(int main(int argc, char** argv) {\n    return run(argc, argv);\n}\n)",
    R"(const usage = await client.messages.create({ model: \"claude-sonnet-4-5\" });\n)",
    R"({\"type\":\"assistant\",\"message\":{\"id\":\"msg_01HxQ\",\"usage\":{\"input_tokens\":12,\"cache_read_input_tokens\":48000,\"output_tokens\":345}},\"requestId\":\"req_011CX\"}\n)",
    R"(grep -rn \"usage\" src/ | head -20\n)",
    R"(Token usage report: total 1234567 tokens, estimated cost $3.21\n)",
    "Café, naïve façade — résumé → done ✓ ",
    "日本語のテキストと中文字符を含む行です。",
    "emoji 🚀 🔥 ✨ in commit messages",
    "Привет, мир! Γειά σου κόσμε",
    R"(C:\\Users\\dev\\project\\src\\main.rs)",
    R"(\tindented\tby\ttabs\n)",
    R"(\u00e9t\u00e9 \u2014 escaped \u00fcnicode \ud83d\ude80)",
    R"(    \"usage\": {\n      \"input_tokens\": 3,\n      \"output_tokens\": 8\n    },\n)",
    "paragraph\xE2\x80\xA8"
    "separator (U+2028 is legal inside JSON strings)",
    "the quick brown fox jumps over the lazy dog, then reads the usage docs again",
    R"($ cmake --build build -j8\n[ 42%] Building CXX object src/CMakeFiles/core.dir/parser.cpp.o\n)",
    R"(error: expected ';' before '}' token\n   42 |   return x\n      |           ^\n)",
    R"(diff --git a/src/usage.cpp b/src/usage.cpp\n+    total += usage.output_tokens;\n-    total += usage.input_tokens;\n)",
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    R"(\\\"usage\\\": {\\\"output_tokens\\\": 99} is double-escaped JSON)",
    R"(     1\tSELECT model, SUM(output_tokens) AS usage FROM events GROUP BY model;\n)",
    R"(  \"cache_creation\": {\"ephemeral_5m_input_tokens\": 0, \"ephemeral_1h_input_tokens\": 2048}\n)",
    R"(def parse(line):\n        return json.loads(line)  # \u00b5s per line matters)",
};

}  // namespace

Rng::Rng(std::uint64_t seed) {
    for (auto& word : state_) word = splitmix64(seed);
}

std::uint64_t Rng::next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
}

std::uint64_t Rng::below(std::uint64_t n) {
    return n == 0 ? 0 : next() % n;
}

std::uint64_t Rng::between(std::uint64_t lo, std::uint64_t hi) {
    return hi <= lo ? lo : lo + below(hi - lo + 1);
}

double Rng::unit() {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

bool Rng::chance(double probability) {
    return unit() < probability;
}

std::uint64_t Rng::log_uniform(std::uint64_t lo, std::uint64_t hi) {
    if (hi <= lo) return lo;
    const double l = std::log(static_cast<double>(std::max<std::uint64_t>(lo, 1)));
    const double h = std::log(static_cast<double>(hi));
    return std::clamp(static_cast<std::uint64_t>(std::exp(l + (h - l) * unit())), lo, hi);
}

double Rng::pareto(double alpha, double cap) {
    const double u = 1.0 - unit();  // (0, 1]
    return std::min(cap, std::pow(u, -1.0 / alpha));
}

std::string random_uuid(Rng& rng) {
    std::string id = random_hex(rng, 32);
    id[12] = '4';
    id[16] = "89ab"[rng.below(4)];
    return id.substr(0, 8) + '-' + id.substr(8, 4) + '-' + id.substr(12, 4) + '-' + id.substr(16, 4) + '-' +
           id.substr(20);
}

std::string random_base62(Rng& rng, std::size_t length) {
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string s(length, '0');
    for (auto& c : s) c = kAlphabet[rng.below(62)];
    return s;
}

std::string random_hex(Rng& rng, std::size_t length) {
    std::string s(length, '0');
    for (auto& c : s) c = "0123456789abcdef"[rng.below(16)];
    return s;
}

void append_uint(std::string& out, std::uint64_t value) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    (void)ec;
    out.append(digits, end);
}

void append_iso_timestamp(std::string& out, std::int64_t unix_ms) {
    const std::int64_t seconds = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
    const std::int64_t millis = unix_ms - seconds * 1000;
    const std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    const std::int64_t second_of_day = seconds - days * 86400;
    // civil_from_days (H. Hinnant): proleptic Gregorian date of a day count.
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    append_padded(out, year, 4);
    out += '-';
    append_padded(out, month, 2);
    out += '-';
    append_padded(out, day, 2);
    out += 'T';
    append_padded(out, second_of_day / 3600, 2);
    out += ':';
    append_padded(out, second_of_day / 60 % 60, 2);
    out += ':';
    append_padded(out, second_of_day % 60, 2);
    out += '.';
    append_padded(out, millis, 3);
    out += 'Z';
}

FillerText::FillerText(std::uint64_t seed, std::size_t bytes) {
    Rng rng(seed ^ 0xF111E7ULL);
    constexpr std::size_t kCount = sizeof kFragments / sizeof kFragments[0];
    text_.reserve(bytes + 512);
    while (text_.size() < bytes) {
        text_ += kFragments[rng.below(kCount)];
        text_ += ' ';
    }
}

void FillerText::append(std::string& out, Rng& rng, std::size_t length) const {
    if (length < 2 || text_.size() < 2) return;
    length = std::min(length, text_.size() - 1);
    std::size_t begin = text_.find(' ', rng.below(text_.size() - length));
    begin = begin == std::string::npos ? 0 : begin + 1;
    const std::size_t limit = std::min(text_.size() - 1, begin + length);
    const std::size_t end = text_.rfind(' ', limit);
    if (end == std::string::npos || end <= begin) return;
    out.append(text_, begin, end - begin);
}

}  // namespace bench
