// usage/sync/retry_backoff.hpp — how every delivery of the outbox (the sync push, the OTLP
// export, and `run` between their runs) waits between attempts and decides which answers
// are worth another one: one home, so they never disagree about what is transient.
#pragma once

#include <chrono>
#include <optional>
#include <random>

namespace usage::sync {

/// Whether an HTTP status means "try again later" (408, 429, 5xx): the
/// receiver is busy or down, the batch itself is fine. Every other 4xx is a
/// verdict on the request, which sending it again does not change.
[[nodiscard]] bool is_transient_status(long status);

/// Exponential backoff with jitter, honouring Retry-After.
class RetryBackoff {
public:
    RetryBackoff(std::chrono::milliseconds first, std::chrono::milliseconds max);
    /// The wait before attempt `attempt + 1`: Retry-After when the receiver
    /// sent one (at most 10 minutes), else a random wait in [delay/2, delay]
    /// with delay = first x 2^attempt, at most `max`.
    std::chrono::milliseconds next(int attempt, std::optional<std::chrono::seconds> retry_after);

private:
    std::chrono::milliseconds first_;
    std::chrono::milliseconds max_;
    std::mt19937_64 rng_;
};

}  // namespace usage::sync
