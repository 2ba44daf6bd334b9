// A small thread-safe pool of pg::Connections for a `serve` process: each
// request leases one, uses it alone, and gives it back when the lease ends.
// Connections are opened on demand up to `max_connections`; one that broke
// (lost, terminated, left inside a transaction) is closed instead of given
// back, and an idle one the server has closed meanwhile is replaced before it
// is handed out. A caller waits at most `wait_timeout` for a free connection,
// then gets usage::StoreUnavailable (a 503 for the client, not a hang).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "store/postgres/pg_connection.hpp"

namespace usage::pg {

struct PoolOptions {
    std::string conninfo;  ///< postgresql:// URI or key=value pairs
    std::size_t max_connections = 4;
    std::chrono::milliseconds wait_timeout{5000};
};

struct PoolStats {
    std::size_t open = 0;      ///< connections now open, leased or idle
    std::size_t idle = 0;      ///< open and waiting in the pool
    std::size_t opened = 0;    ///< connections opened since the pool was made
    std::size_t replaced = 0;  ///< closed because they broke, found dead when idle or returned mid-transaction
};

class Pool;

/// Exclusive use of one connection until destroyed or moved from.
class Lease {
public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    /// Gives the connection back, or closes it when it is not reusable().
    ~Lease();

    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_.get(); }

private:
    friend class Pool;
    struct State;
    Lease(std::shared_ptr<State> pool, std::unique_ptr<Connection> conn);
    void give_back() noexcept;

    std::shared_ptr<State> pool_;  // kept alive by leases: a lease may outlive its Pool
    std::unique_ptr<Connection> conn_;
};

class Pool {
public:
    /// Opens nothing yet. Throws std::invalid_argument when libpq cannot
    /// parse the conninfo or max_connections is 0.
    explicit Pool(PoolOptions options);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    /// An idle connection, a new one while fewer than max_connections are
    /// open, else the first one given back within wait_timeout. Throws
    /// usage::StoreUnavailable when none is free in time or a new one cannot
    /// connect (naming host:port/db).
    [[nodiscard]] Lease lease();

    [[nodiscard]] PoolStats stats() const;
    /// host:port/db, for messages.
    [[nodiscard]] const std::string& server() const noexcept;

private:
    std::shared_ptr<Lease::State> state_;
};

}  // namespace usage::pg
