// Running a notifier's command: argv exec'd directly (no shell), text on its
// stdin, its output kept for a one-line error, killed after a timeout.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace agent::alerts {

struct ChildResult {
    int exit_code = -1;  ///< 128 + signal when killed
    bool timed_out = false;
    std::string output;  ///< stdout and stderr, at most a few KB
};

/// Starts argv[0] (looked up on PATH unless it has a slash) with `input` on
/// stdin; waits at most `timeout`, then kills it. Throws std::runtime_error
/// naming the program when it cannot be started.
ChildResult run_with_input(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout);

}  // namespace agent::alerts
