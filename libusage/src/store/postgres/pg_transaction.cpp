#include "store/postgres/pg_transaction.hpp"

#include <random>
#include <thread>

#include "usage/store/store_failure.hpp"

namespace usage::pg {
namespace {

const char* begin_statement(Isolation isolation) {
    switch (isolation) {
        case Isolation::read_committed: return "BEGIN ISOLATION LEVEL READ COMMITTED";
        case Isolation::repeatable_read: return "BEGIN ISOLATION LEVEL REPEATABLE READ";
        case Isolation::serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE";
    }
    return "BEGIN";
}

}  // namespace

Transaction::Transaction(Connection& conn, Isolation isolation) : conn_(&conn) {
    conn_->exec(begin_statement(isolation));
}

Transaction::~Transaction() {
    if (done_) return;
    try {
        conn_->exec("ROLLBACK");
    } catch (...) {
        // The connection may be gone, or in a state we cannot vouch for:
        // whoever holds it must not hand it out again.
        conn_->mark_broken();
    }
}

void Transaction::commit() {
    // Whatever COMMIT answers, the transaction is over (a failed one ends in
    // a rollback on the server): the destructor must not send ROLLBACK.
    done_ = true;
    conn_->exec("COMMIT");
}

namespace detail {

void retry_pause(int attempt) {
    thread_local std::minstd_rand rng(std::random_device{}());
    std::uniform_int_distribution<int> jitter(0, 4 * attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt + jitter(rng)));
}

void give_up(const Connection& conn, int attempts, const PgRetryable& last) {
    throw StoreUnavailable("postgresql " + conn.server() + ": gave up after " + std::to_string(attempts) +
                           " attempts, concurrent transactions kept conflicting; last: " + last.what());
}

}  // namespace detail
}  // namespace usage::pg
