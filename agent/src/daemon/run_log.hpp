// The log of `usage-agent run`: one line per thing that matters, on stderr
// (journald and launchd capture it), filtered by --log-level. Lines carry a
// UTC time and the level, so a plain redirect reads well too.
#pragma once

#include <string>
#include <string_view>

namespace agent {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

/// "error", "warn", "info", "debug"; throws std::invalid_argument otherwise.
LogLevel parse_log_level(std::string_view text);

class RunLog {
public:
    explicit RunLog(LogLevel level) : level_(level) {}
    [[nodiscard]] bool enabled(LogLevel level) const { return level <= level_; }
    /// Write one line (names from disk are escaped for the terminal). Thread-safe.
    void write(LogLevel level, const std::string& line) const;
    void error(const std::string& line) const { write(LogLevel::error, line); }
    void warn(const std::string& line) const { write(LogLevel::warn, line); }
    void info(const std::string& line) const { write(LogLevel::info, line); }
    void debug(const std::string& line) const { write(LogLevel::debug, line); }

private:
    LogLevel level_;
};

}  // namespace agent
