// usage/store/store_failure.hpp — what a failure of the store means to the
// program around it, whatever the backend: the store is locked by another
// writer, unreachable, full or damaged, as opposed to a bad request or a bug.
// A server answers such a failure with 503 and Retry-After; the CLI names the
// store in its one-line error. Callers never name a backend's exception types.
#pragma once

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

namespace usage {

/// Thrown by the library when the store cannot serve a request now.
class StoreUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct StoreFailure {
    std::string message;
    /// Another writer holds the store: retrying soon will likely succeed.
    bool busy = false;
};

/// The store failure `error` is (StoreUnavailable or a backend's own error),
/// or nullopt when it is something else.
std::optional<StoreFailure> store_failure(const std::exception_ptr& error) noexcept;

}  // namespace usage
