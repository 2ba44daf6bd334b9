// The state a task file's scan keeps between reads: what it counted, so
// that the usage of calls a checkpoint restore removed (summed into one
// `deleted_api_reqs` / `api_req_deleted` record) is not counted twice.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace usage::plugins::vscode_tasks {

/// The figures of one counted event (or of what an aggregate was reduced by).
struct CountedUsage {
    std::int64_t ts = 0;
    std::int64_t input = 0;
    std::int64_t output = 0;
    std::int64_t cache_read = 0;
    std::int64_t cache_write = 0;
    std::int64_t cost_micros = 0;

    CountedUsage& operator+=(const CountedUsage& o);
    /// What is left of `this` once `o` is taken off, per class, never below 0.
    [[nodiscard]] CountedUsage minus(const CountedUsage& o) const;
    [[nodiscard]] bool empty() const {
        return input == 0 && output == 0 && cache_read == 0 && cache_write == 0 && cost_micros == 0;
    }
};

struct TaskState {
    /// Record key -> what its event carried, for every event of the last read.
    std::map<std::string, CountedUsage> counted;
    /// Counted by an earlier read, gone from the file since, and not yet
    /// taken off an aggregate.
    std::map<std::string, CountedUsage> gone;
    /// Aggregate key -> what was taken off it when it was first read (kept so
    /// every later read emits the same figures).
    std::map<std::string, CountedUsage> deductions;
};

/// One line per entry: `c|g|d KEY TS INPUT OUTPUT CACHE_READ CACHE_WRITE COST_MICROS`.
std::string format_state(const TaskState& state);
/// The inverse; lines that do not parse are dropped (an older or damaged
/// state only means deleted calls may be counted as the tool recorded them).
TaskState parse_state(std::string_view text);

}  // namespace usage::plugins::vscode_tasks
