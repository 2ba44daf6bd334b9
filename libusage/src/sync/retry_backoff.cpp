#include "usage/sync/retry_backoff.hpp"

#include <algorithm>

namespace usage::sync {

bool is_transient_status(long status) {
    return status == 408 || status == 429 || status >= 500;
}

RetryBackoff::RetryBackoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
    : first_(first), max_(max), rng_(std::random_device{}()) {}

std::chrono::milliseconds RetryBackoff::next(int attempt, std::optional<std::chrono::seconds> retry_after) {
    if (retry_after) return std::min<std::chrono::milliseconds>(*retry_after, std::chrono::minutes(10));
    auto delay = first_ * (1LL << std::min(attempt, 16));
    delay = std::min<std::chrono::milliseconds>(delay, max_);
    std::uniform_int_distribution<std::int64_t> d(delay.count() / 2, delay.count());
    return std::chrono::milliseconds(d(rng_));
}

}  // namespace usage::sync
