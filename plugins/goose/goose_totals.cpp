#include "goose_totals.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "usage/model/token_limits.hpp"

namespace usage::plugins::goose {
namespace {

constexpr std::string_view kStateTag = "goose-v1\n";

std::int64_t grown(std::int64_t before, std::int64_t now) {
    return now > before ? now - before : 0;
}

bool read_int(std::string_view field, std::int64_t& out) {
    auto [end, err] = std::from_chars(field.data(), field.data() + field.size(), out);
    return err == std::errc() && end == field.data() + field.size();
}

// Splits one state line at tabs.
std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
        const auto tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos) return out;
        start = tab + 1;
    }
}

}  // namespace

bool storable_id(std::string_view id) {
    return !id.empty() && id.find_first_of("\t\n") == std::string_view::npos;
}

// Line: id, created_ms, events, input, output, total, cost_micros ("-" = none).
CountedSessions parse_state(std::string_view state) {
    CountedSessions out;
    if (!state.starts_with(kStateTag)) return out;
    state.remove_prefix(kStateTag.size());
    while (!state.empty()) {
        const auto nl = state.find('\n');
        const std::string_view line = state.substr(0, nl);
        state.remove_prefix(nl == std::string_view::npos ? state.size() : nl + 1);
        const auto f = fields(line);
        if (f.size() != 7 || !storable_id(f[0])) return {};  // damaged: count from scratch
        Counted c;
        std::int64_t events = 0, cost = 0;
        if (!read_int(f[1], c.created_ms) || !read_int(f[2], events) || events < 0 || !read_int(f[3], c.totals.input) ||
            !read_int(f[4], c.totals.output) || !read_int(f[5], c.totals.total))
            return {};
        c.events = static_cast<std::uint64_t>(events);
        if (f[6] != "-") {
            if (!read_int(f[6], cost)) return {};
            c.totals.cost_micros = cost;
        }
        out.emplace(std::string(f[0]), c);
    }
    return out;
}

std::string to_state(const CountedSessions& sessions) {
    std::string out(kStateTag);
    out.reserve(out.size() + sessions.size() * 64);
    for (const auto& [id, c] : sessions) {
        out.append(id).push_back('\t');
        out.append(std::to_string(c.created_ms)).push_back('\t');
        out.append(std::to_string(c.events)).push_back('\t');
        out.append(std::to_string(c.totals.input)).push_back('\t');
        out.append(std::to_string(c.totals.output)).push_back('\t');
        out.append(std::to_string(c.totals.total)).push_back('\t');
        out.append(c.totals.cost_micros ? std::to_string(*c.totals.cost_micros) : "-").push_back('\n');
    }
    return out;
}

Delta difference(const Totals& before, const Totals& now) {
    Delta d;
    const std::int64_t input = grown(before.input, now.input);
    const std::int64_t output = grown(before.output, now.output);
    const std::int64_t total = grown(before.total, now.total);
    const std::int64_t extra = total > input + output ? total - input - output : 0;
    d.tokens.input = input;
    d.tokens.output = output + extra;
    d.tokens.reasoning = extra;
    if (before.cost_micros && now.cost_micros && *now.cost_micros > *before.cost_micros)
        d.cost_micros = *now.cost_micros - *before.cost_micros;
    return d;
}

std::vector<Delta> split_to_call_limit(const Delta& d) {
    const TokenCounts& t = d.tokens;
    const std::int64_t largest = std::max({t.input, t.output, t.cache_read, t.cache_write_5m, t.cache_write_1h});
    const std::int64_t parts = largest <= kMaxTokensPerCall ? 1 : (largest + kMaxTokensPerCall - 1) / kMaxTokensPerCall;
    if (parts == 1) return {d};
    const auto share = [parts](std::int64_t v, bool last) { return v / parts + (last ? v % parts : 0); };
    std::vector<Delta> out(static_cast<std::size_t>(parts));
    for (std::int64_t i = 0; i < parts; ++i) {
        const bool last = i == parts - 1;
        Delta& p = out[static_cast<std::size_t>(i)];
        p.tokens.input = share(t.input, last);
        p.tokens.output = share(t.output, last);
        // Reasoning stays a subset of each part's output (it is informational).
        p.tokens.reasoning = std::min(share(t.reasoning, last), p.tokens.output);
        p.tokens.cache_read = share(t.cache_read, last);
        p.tokens.cache_write_5m = share(t.cache_write_5m, last);
        p.tokens.cache_write_1h = share(t.cache_write_1h, last);
        if (d.cost_micros) p.cost_micros = share(*d.cost_micros, last);
    }
    return out;
}

}  // namespace usage::plugins::goose
