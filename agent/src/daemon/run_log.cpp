#include "run_log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "../terminal_text.hpp"

namespace agent {

LogLevel parse_log_level(std::string_view text) {
    if (text == "error") return LogLevel::error;
    if (text == "warn") return LogLevel::warn;
    if (text == "info") return LogLevel::info;
    if (text == "debug") return LogLevel::debug;
    throw std::invalid_argument("must be error, warn, info or debug, got '" + std::string(text) + "'");
}

void RunLog::write(LogLevel level, const std::string& line) const {
    if (!enabled(level)) return;
    static constexpr const char* kNames[] = {"error", "warn", "info", "debug"};
    const auto now = std::chrono::system_clock::now();
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    // One fprintf per line: stderr is unbuffered, and one call keeps lines
    // from two threads whole.
    std::fprintf(stderr, "%s.%03dZ %s: %s\n", stamp, static_cast<int>(ms), kNames[static_cast<int>(level)],
                 escape_terminal_text(line).c_str());
}

}  // namespace agent
