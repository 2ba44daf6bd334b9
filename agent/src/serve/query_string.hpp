// A request target split into its path and decoded query parameters.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent::serve {

struct Target {
    std::string path;
    std::vector<std::pair<std::string, std::string>> params;  ///< in order, duplicates kept
};

/// `/api/v1/summary?range=7d&model=opus` -> path + params (percent-decoding,
/// `+` as space). Throws std::invalid_argument on a malformed escape.
Target parse_target(std::string_view target);

}  // namespace agent::serve
