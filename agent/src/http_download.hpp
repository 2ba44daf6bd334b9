// A plain HTTP(S) GET into memory, for `prices update --from URL`.
#pragma once

#include <chrono>
#include <string>

namespace agent {

/// Fetch `url`, following redirects; throws std::runtime_error with the URL
/// and the reason (curl error, HTTP status, or no complete answer within
/// `timeout`). Bodies above `max_bytes` are refused.
std::string http_get(const std::string& url, std::chrono::seconds timeout, std::size_t max_bytes = 64u << 20);

}  // namespace agent
