// A progress bar on stderr for long scans: shown only on a terminal and only
// once the work has run for a second, so quick runs and pipes stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace agent {

class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void update(std::uint64_t done, std::uint64_t total);
    void finish();

private:
    std::string label_;
    bool enabled_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace agent
