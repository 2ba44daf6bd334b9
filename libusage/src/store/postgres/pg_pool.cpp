#include "store/postgres/pg_pool.hpp"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "store/postgres/pg_conninfo.hpp"
#include "usage/store/store_failure.hpp"

namespace usage::pg {

struct Lease::State {
    PoolOptions options;
    std::string server;
    mutable std::mutex mu;
    std::condition_variable freed;                  // a connection came back or a slot opened
    std::vector<std::unique_ptr<Connection>> idle;  // most recently used last: reuse it first (warm caches)
    std::size_t open = 0;                           // idle + leased + being opened
    std::size_t opened = 0;
    std::size_t replaced = 0;
};

// ---- Lease ----

Lease::Lease(std::shared_ptr<State> pool, std::unique_ptr<Connection> conn)
    : pool_(std::move(pool)), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept = default;

Lease& Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        give_back();
        pool_ = std::move(other.pool_);
        conn_ = std::move(other.conn_);
    }
    return *this;
}

Lease::~Lease() {
    give_back();
}

void Lease::give_back() noexcept {
    if (!pool_ || !conn_) return;
    // Decided before taking the lock; closing a broken connection (a socket
    // close, maybe a goodbye message) is done outside it too.
    std::unique_ptr<Connection> drop;
    if (!conn_->reusable()) drop = std::move(conn_);
    {
        const std::lock_guard lock(pool_->mu);
        if (drop) {
            --pool_->open;
            ++pool_->replaced;
        } else {
            pool_->idle.push_back(std::move(conn_));
        }
    }
    pool_->freed.notify_one();
    pool_.reset();
}

// ---- Pool ----

Pool::Pool(PoolOptions options) : state_(std::make_shared<Lease::State>()) {
    if (options.max_connections == 0)
        throw std::invalid_argument("postgresql pool: max_connections must be at least 1");
    state_->server = server_name(options.conninfo);
    state_->options = std::move(options);
}

Pool::~Pool() = default;

Lease Pool::lease() {
    auto& s = *state_;
    const auto deadline = std::chrono::steady_clock::now() + s.options.wait_timeout;
    std::unique_lock lock(s.mu);
    for (;;) {
        while (!s.idle.empty()) {
            std::unique_ptr<Connection> conn = std::move(s.idle.back());
            s.idle.pop_back();
            if (conn->healthy_when_idle()) return Lease(state_, std::move(conn));
            --s.open;
            ++s.replaced;
            lock.unlock();
            conn.reset();  // close outside the lock
            lock.lock();
        }
        if (s.open < s.options.max_connections) {
            ++s.open;  // the slot is ours while we connect without the lock
            lock.unlock();
            try {
                auto conn = std::make_unique<Connection>(s.options.conninfo);
                lock.lock();
                ++s.opened;
                return Lease(state_, std::move(conn));
            } catch (...) {
                lock.lock();
                --s.open;
                lock.unlock();
                s.freed.notify_one();
                throw;
            }
        }
        if (s.freed.wait_until(lock, deadline) == std::cv_status::timeout && s.idle.empty() &&
            s.open >= s.options.max_connections) {
            throw StoreUnavailable("postgresql " + s.server + ": no connection free within " +
                                   std::to_string(s.options.wait_timeout.count()) + " ms (all " +
                                   std::to_string(s.options.max_connections) + " in use)");
        }
    }
}

PoolStats Pool::stats() const {
    const std::lock_guard lock(state_->mu);
    return {state_->open, state_->idle.size(), state_->opened, state_->replaced};
}

const std::string& Pool::server() const noexcept {
    return state_->server;
}

}  // namespace usage::pg
