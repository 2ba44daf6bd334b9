// delivery_schedule.hpp — when `run` delivers to one destination (the sync
// push, the OTLP export): one delivery at a time on the destination's own
// worker thread, so a slow endpoint never delays a scan or the other
// destination; another delivery when a scan found something meanwhile; and
// after a failure a retry on a timer — growing, jittered waits while the
// destination is unreachable, sync.interval after a refusal (retrying sooner
// would only be refused again), or the wait the delivery itself asked for
// (a shared folder takes at most one segment a minute).
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

/// How one delivery went, as the schedule needs it.
struct DeliveryResult {
    enum class Verdict {
        not_configured,  ///< no destination (any more): nothing was tried
        done,            ///< nothing was waiting, or it went and is not news
        delivered,       ///< rows reached the destination (logged as news)
        held_back,       ///< rows wait on purpose: deliver again after `hold`
        refused,         ///< the destination refused: again after sync.interval
        unreachable,     ///< no answer, or a transient one: again after a backoff
    };
    Verdict verdict = Verdict::not_configured;
    std::string line;  ///< one line for the log
    std::chrono::milliseconds hold{0};
};

class DeliverySchedule {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    /// One delivery, on the worker thread, with the schedule's context.
    /// `sleep` is the wait between its own retries (it ends at once on
    /// SIGTERM). An exception counts as unreachable, its message the line.
    using Job = std::function<DeliveryResult(AppContext&, const Sleep& sleep)>;

    /// `name` prefixes its log lines ("push", "otlp"); `configured` says
    /// from a config whether there is a destination to deliver to.
    DeliverySchedule(boost::asio::io_context& io, const RunLog& log, std::string name,
                     std::function<bool(const usage::Config&)> configured, Job job, Sleep sleep,
                     usage::sync::RetryBackoff backoff);

    /// The context deliveries use from now on (at start and on SIGHUP); it
    /// must be used by no other thread. Cancels a pending retry.
    void use(std::shared_ptr<AppContext> context);
    /// Deliver what is waiting (after a scan found something, or at start).
    void request();
    /// No new deliveries; a waiting retry is dropped.
    void stop();
    /// Wait up to `limit` for a running delivery; whether it finished.
    bool finish_within(std::chrono::milliseconds limit) { return worker_.finish_within(limit); }

private:
    void start();
    void done(const DeliveryResult& result);

    boost::asio::io_context& io_;
    const RunLog& log_;
    const std::string name_;
    std::function<bool(const usage::Config&)> configured_;
    Job job_;
    Sleep sleep_;
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
