#include "vscode_task_state.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace usage::plugins::vscode_tasks {

CountedUsage& CountedUsage::operator+=(const CountedUsage& o) {
    input += o.input;
    output += o.output;
    cache_read += o.cache_read;
    cache_write += o.cache_write;
    cost_micros += o.cost_micros;
    return *this;
}

CountedUsage CountedUsage::minus(const CountedUsage& o) const {
    const auto less = [](std::int64_t a, std::int64_t b) { return std::max<std::int64_t>(0, a - b); };
    return {ts,
            less(input, o.input),
            less(output, o.output),
            less(cache_read, o.cache_read),
            less(cache_write, o.cache_write),
            less(cost_micros, o.cost_micros)};
}

namespace {

void append_entries(std::string& out, char tag, const std::map<std::string, CountedUsage>& entries) {
    for (const auto& [key, u] : entries) {
        out += tag;
        out += ' ';
        out += key;
        for (std::int64_t n : {u.ts, u.input, u.output, u.cache_read, u.cache_write, u.cost_micros}) {
            out += ' ';
            out += std::to_string(n);
        }
        out += '\n';
    }
}

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> words;
    while (!line.empty()) {
        const auto space = line.find(' ');
        words.push_back(line.substr(0, space));
        if (space == std::string_view::npos) break;
        line.remove_prefix(space + 1);
    }
    return words;
}

bool to_int(std::string_view s, std::int64_t& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string format_state(const TaskState& state) {
    std::string out;
    append_entries(out, 'c', state.counted);
    append_entries(out, 'g', state.gone);
    append_entries(out, 'd', state.deductions);
    return out;
}

TaskState parse_state(std::string_view text) {
    TaskState state;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        const auto w = split(line);
        if (w.size() != 8 || w[0].size() != 1 || w[1].empty()) continue;
        CountedUsage u;
        if (!to_int(w[2], u.ts) || !to_int(w[3], u.input) || !to_int(w[4], u.output) || !to_int(w[5], u.cache_read) ||
            !to_int(w[6], u.cache_write) || !to_int(w[7], u.cost_micros))
            continue;
        auto* target = w[0] == "c"   ? &state.counted
                       : w[0] == "g" ? &state.gone
                       : w[0] == "d" ? &state.deductions
                                     : nullptr;
        if (target) target->emplace(std::string(w[1]), u);
    }
    return state;
}

}  // namespace usage::plugins::vscode_tasks
