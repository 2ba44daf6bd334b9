// Turns one Claude Code transcript line into a usage event.
#pragma once

#include <simdjson.h>

#include <cstddef>

#include "usage/event.hpp"
#include "usage/source.hpp"

namespace usage::plugins::claude {

enum class LineOutcome {
    event,      ///< `out` holds a usage event
    skipped,    ///< valid line without a billable call (user line, <synthetic>, zero usage)
    malformed,  ///< not valid JSON (counted and reported, never fatal)
};

/// Parse `line` (writable, followed by simdjson padding). Lines with invalid
/// UTF-8 are repaired in place and parsed again.
LineOutcome parse_claude_line(simdjson::ondemand::parser& parser, char* line, std::size_t size, std::size_t capacity,
                              const SourceFile& file, UsageEvent& out);

}  // namespace usage::plugins::claude
