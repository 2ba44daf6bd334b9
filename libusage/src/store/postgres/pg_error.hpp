// How a PostgreSQL failure is reported to the rest of the library. Three
// kinds, because callers must act differently on each:
//  - the server cannot serve now (unreachable, shutting down, out of
//    connections or disk): usage::StoreUnavailable, which a server answers
//    with 503 and the CLI prints; the connection is not used again;
//  - a concurrent transaction got in the way (serialization failure,
//    deadlock): PgRetryable, to run the whole transaction again;
//  - anything else (a constraint, a bug in our SQL): PgError.
// Every message names the server as host:port/db, never the password.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace usage::pg {

/// A statement failed. `sqlstate()` is the server's five-character code
/// (empty when libpq failed before the server answered).
class PgError : public std::runtime_error {
public:
    PgError(const std::string& message, std::string sqlstate)
        : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sqlstate_;
};

/// Serialization failure (40001) or deadlock (40P01): the transaction was
/// rolled back and running it again from the start will likely succeed.
class PgRetryable : public PgError {
public:
    using PgError::PgError;
};

enum class FailureKind {
    unavailable,  ///< connection exception (08xxx), shutdown (57P01..57P03), resources (53xxx)
    retryable,    ///< 40001, 40P01
    other,
};

/// The kind of failure a SQLSTATE stands for.
FailureKind classify_sqlstate(std::string_view sqlstate) noexcept;

/// Throws the exception for `kind`: usage::StoreUnavailable, PgRetryable or
/// PgError, with `message` prefixed by "postgresql <server>: ".
[[noreturn]] void throw_failure(FailureKind kind, const std::string& server, const std::string& message,
                                const std::string& sqlstate);

}  // namespace usage::pg
