// Where `serve` runs requests, off the network thread, so a slow query never
// stalls ingest and one client never stalls the others. Reads run on a pool
// whose threads each keep their own store connection (SQLite's WAL readers
// block neither the writer nor each other). Ingest runs on one writer thread
// when the store takes one writer at a time (SQLite), and on the pool, like
// reads, when it takes many (PostgreSQL). The network thread only parses,
// routes and writes answers.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>

#include "../serial_worker.hpp"
#include "usage/store/store.hpp"

namespace agent::serve {

class RequestWorkers {
public:
    using OpenStore = std::function<std::unique_ptr<usage::Store>()>;

    /// `writer`: the store ingest writes to (used on the writer thread only);
    /// `open_reader` opens one more connection for a read thread.
    RequestWorkers(usage::Store& writer, OpenStore open_reader, unsigned read_threads);
    ~RequestWorkers();  ///< joins the threads (the server has answered every request by then)
    RequestWorkers(const RequestWorkers&) = delete;
    RequestWorkers& operator=(const RequestWorkers&) = delete;

    /// `job` gets the writer store, or its pool thread's own connection when
    /// the store takes concurrent writers.
    void write(std::function<void(usage::Store&)> job);
    /// `job` gets its thread's own connection (only reads go there).
    void read(std::function<void(usage::Store&)> job);

    /// Threads for this machine and store: one per core, at least 2, at most
    /// 8; 8 for a store that takes concurrent writers (the threads mostly wait
    /// on the database server).
    static unsigned default_threads(const usage::Store& store);

private:
    usage::Store& writer_store_;
    OpenStore open_reader_;
    SerialWorker writer_;
    boost::asio::thread_pool readers_;
    bool concurrent_writes_;
};

}  // namespace agent::serve
