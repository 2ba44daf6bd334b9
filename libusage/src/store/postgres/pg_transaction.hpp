// Transactions on a pg::Connection: RAII (rolled back unless committed) and
// a runner that repeats a whole transaction when a concurrent one got in its
// way, which under several `serve` replicas is a normal event, not an error.
#pragma once

#include <chrono>
#include <string>
#include <type_traits>

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_error.hpp"

namespace usage::pg {

enum class Isolation { read_committed, repeatable_read, serializable };

class Transaction {
public:
    /// BEGIN with `isolation`.
    explicit Transaction(Connection& conn, Isolation isolation = Isolation::read_committed);
    /// ROLLBACK unless commit() was called. Never throws: when the rollback
    /// itself fails the connection is marked broken (the pool drops it).
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    /// COMMIT. Throws like any statement (PgRetryable for a serialization
    /// failure found at commit); the transaction is over either way.
    void commit();

private:
    Connection* conn_;
    bool done_ = false;
};

namespace detail {
/// Sleep before attempt `attempt` (1-based) of a retried transaction: a few
/// milliseconds, growing, with jitter so the conflicting writers part ways.
void retry_pause(int attempt);
/// usage::StoreUnavailable naming the server, the attempts and the last
/// conflict.
[[noreturn]] void give_up(const Connection& conn, int attempts, const PgRetryable& last);
}  // namespace detail

/// Runs `work(conn)` in a transaction and commits it; on PgRetryable (from
/// `work` or the commit) rolls back and runs it again, up to `attempts`
/// times in all, then throws usage::StoreUnavailable. `work` must therefore
/// have no effect outside the database (or one that may be repeated).
/// Returns what `work` returns.
template <typename Work>
auto run_transaction(Connection& conn, Work&& work, Isolation isolation = Isolation::read_committed, int attempts = 5)
    -> std::invoke_result_t<Work&, Connection&> {
    for (int attempt = 1;; ++attempt) {
        try {
            Transaction tx(conn, isolation);
            if constexpr (std::is_void_v<std::invoke_result_t<Work&, Connection&>>) {
                work(conn);
                tx.commit();
                return;
            } else {
                auto result = work(conn);
                tx.commit();
                return result;
            }
        } catch (const PgRetryable& e) {
            if (attempt >= attempts) detail::give_up(conn, attempts, e);
        }
        detail::retry_pause(attempt);
    }
}

}  // namespace usage::pg
