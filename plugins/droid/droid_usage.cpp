#include "droid_usage.hpp"

#include <algorithm>
#include <charconv>

#include "usage/model/token_limits.hpp"

namespace usage::plugins::droid {
namespace {

constexpr std::string_view kStateTag = "droid-v1";

std::int64_t grown(std::int64_t before, std::int64_t now) {
    return now > before ? now - before : 0;
}

}  // namespace

// "droid-v1 EVENTS INPUT OUTPUT CACHE_CREATION CACHE_READ THINKING"
std::optional<Counted> parse_state(std::string_view state) {
    if (!state.starts_with(kStateTag)) return std::nullopt;
    state.remove_prefix(kStateTag.size());
    std::int64_t v[6] = {};
    const char* p = state.data();
    const char* end = state.data() + state.size();
    for (std::int64_t& x : v) {
        if (p == end || *p != ' ') return std::nullopt;
        auto [next, err] = std::from_chars(p + 1, end, x);
        if (err != std::errc() || x < 0) return std::nullopt;
        p = next;
    }
    if (p != end) return std::nullopt;
    return Counted{static_cast<std::uint64_t>(v[0]), Usage{v[1], v[2], v[3], v[4], v[5]}};
}

std::string to_state(const Counted& c) {
    std::string out(kStateTag);
    for (const std::int64_t x : {static_cast<std::int64_t>(c.events), c.usage.input, c.usage.output,
                                 c.usage.cache_creation, c.usage.cache_read, c.usage.thinking})
        out.append(" ").append(std::to_string(x));
    return out;
}

TokenCounts difference(const Usage& before, const Usage& now) {
    TokenCounts t;
    const std::int64_t thinking = grown(before.thinking, now.thinking);
    t.input = grown(before.input, now.input);
    t.output = grown(before.output, now.output) + thinking;
    t.reasoning = thinking;
    t.cache_read = grown(before.cache_read, now.cache_read);
    t.cache_write_5m = grown(before.cache_creation, now.cache_creation);
    return t;
}

std::vector<TokenCounts> split_to_call_limit(const TokenCounts& t) {
    const std::int64_t largest = std::max({t.input, t.output, t.cache_read, t.cache_write_5m, t.cache_write_1h});
    const std::int64_t parts = largest <= kMaxTokensPerCall ? 1 : (largest + kMaxTokensPerCall - 1) / kMaxTokensPerCall;
    if (parts == 1) return {t};
    const auto share = [parts](std::int64_t v, bool last) { return v / parts + (last ? v % parts : 0); };
    std::vector<TokenCounts> out(static_cast<std::size_t>(parts));
    for (std::int64_t i = 0; i < parts; ++i) {
        const bool last = i == parts - 1;
        TokenCounts& p = out[static_cast<std::size_t>(i)];
        p.input = share(t.input, last);
        p.output = share(t.output, last);
        // Reasoning stays a subset of each part's output (it is informational).
        p.reasoning = std::min(share(t.reasoning, last), p.output);
        p.cache_read = share(t.cache_read, last);
        p.cache_write_5m = share(t.cache_write_5m, last);
        p.cache_write_1h = share(t.cache_write_1h, last);
    }
    return out;
}

}  // namespace usage::plugins::droid
