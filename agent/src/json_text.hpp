// JSON as the agent prints or serves it. Names come from transcripts, file
// names and the command line; a byte that is not UTF-8 among them must not
// turn a report or an answer into an exception, so it is written as U+FFFD.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace agent {

/// `j` as text: indented by `indent` spaces per level, or on one line when -1.
inline std::string json_text(const nlohmann::json& j, int indent = 2) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace agent
