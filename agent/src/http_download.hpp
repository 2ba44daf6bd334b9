// A plain HTTP(S) GET into memory, for `prices update --from URL`.
#pragma once

#include <string>

namespace agent {

/// Fetch `url`; throws std::runtime_error with the URL and the reason
/// (curl error or HTTP status). Bodies above `max_bytes` are refused.
std::string http_get(const std::string& url, std::size_t max_bytes = 64u << 20);

}  // namespace agent
