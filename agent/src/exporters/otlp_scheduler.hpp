// `run`'s side of the OTLP export: one export at a time on its own worker
// thread (a slow receiver never delays a scan or the push), another one
// when a scan found something meanwhile, and after a failure a retry on a
// timer: with growing, jittered waits while the receiver is unreachable,
// after sync.interval when it refused a batch (retrying sooner would only
// be refused again).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "app_context.hpp"
#include "daemon/run_log.hpp"
#include "serial_worker.hpp"
#include "usage/sync/retry_backoff.hpp"

namespace agent {

class OtlpScheduler {
public:
    /// `sleep` waits between a request's retries (and ends early on SIGTERM);
    /// after a run that could not reach the receiver the next one starts
    /// `backoff` later (first, then doubling up to max, jittered).
    OtlpScheduler(boost::asio::io_context& io, const RunLog& log, std::function<void(std::chrono::milliseconds)> sleep,
                  usage::sync::RetryBackoff backoff);

    /// The context exports use from now on (at start and on SIGHUP); it
    /// must be used by no other thread. Cancels a pending retry.
    void use(std::shared_ptr<AppContext> context);
    /// Export what is waiting (after a scan found something, or at start).
    void request();
    /// No new exports; a waiting retry is dropped.
    void stop();
    /// Wait up to `limit` for a running export; whether it finished.
    bool finish_within(std::chrono::milliseconds limit) { return worker_.finish_within(limit); }

private:
    struct Result {
        bool configured = false;
        bool failed = false;
        bool refused = false;
        bool delivered = false;
        std::string line;
    };
    void start();
    void done(const Result& result);

    boost::asio::io_context& io_;
    const RunLog& log_;
    std::function<void(std::chrono::milliseconds)> sleep_;
    std::shared_ptr<AppContext> context_;
    boost::asio::steady_timer retry_timer_;
    bool running_ = false;
    bool again_ = false;
    bool waiting_ = false;  // retry_timer_ armed
    bool stopping_ = false;
    usage::sync::RetryBackoff backoff_;
    int failures_ = 0;  // in a row: how long the next wait is
    std::string last_line_;
    // Declared last: destroyed (joined) first, while everything above lives.
    SerialWorker worker_;
};

}  // namespace agent
