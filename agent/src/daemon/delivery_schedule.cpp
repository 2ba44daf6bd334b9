#include "daemon/delivery_schedule.hpp"

#include <malloc.h>

#include <boost/asio/post.hpp>

namespace agent {

using std::chrono::milliseconds;
using Verdict = DeliveryResult::Verdict;

DeliverySchedule::DeliverySchedule(boost::asio::io_context& io, const RunLog& log, std::string name,
                                   std::function<bool(const usage::Config&)> configured, Job job, Sleep sleep,
                                   usage::sync::RetryBackoff backoff)
    : io_(io),
      log_(log),
      name_(std::move(name)),
      configured_(std::move(configured)),
      job_(std::move(job)),
      sleep_(std::move(sleep)),
      retry_timer_(io),
      backoff_(std::move(backoff)) {}

void DeliverySchedule::use(std::shared_ptr<AppContext> context) {
    context_ = std::move(context);
    retry_timer_.cancel();
    waiting_ = false;
    failures_ = 0;
}

void DeliverySchedule::request() {
    if (stopping_ || !context_ || !configured_(context_->config())) return;
    if (running_) {
        again_ = true;
        return;
    }
    if (waiting_) return;  // backing off: the timer delivers
    start();
}

void DeliverySchedule::stop() {
    stopping_ = true;
    retry_timer_.cancel();
    waiting_ = false;
}

void DeliverySchedule::start() {
    running_ = true;
    again_ = false;
    auto context = context_;
    worker_.post([this, context] {
        DeliveryResult r;
        try {
            r = job_(*context, sleep_);
        } catch (const std::exception& e) {
            r.verdict = Verdict::unreachable;
            r.line = e.what();
        }
        // An agent idle for hours holds no more than it needs then: the
        // connection's page cache and the freed heap go back to the system.
        if (context->store_open()) context->store().release_memory();
        ::malloc_trim(0);
        boost::asio::post(io_, [this, r] { done(r); });
    });
}

void DeliverySchedule::done(const DeliveryResult& r) {
    running_ = false;
    if (stopping_ || r.verdict == Verdict::not_configured) return;
    const bool failed = r.verdict == Verdict::refused || r.verdict == Verdict::unreachable;
    // Deliveries are news; a failure is logged when it starts or changes,
    // not at every retry of the same one.
    if (r.verdict == Verdict::delivered)
        log_.info(name_ + ": " + r.line);
    else if (r.line != last_line_)
        (failed ? log_.error(name_ + ": " + r.line) : log_.debug(name_ + ": " + r.line));
    last_line_ = r.line;
    if (!failed && r.verdict != Verdict::held_back) {
        failures_ = 0;
        if (again_) start();
        return;
    }
    milliseconds wait = r.hold;
    if (r.verdict == Verdict::refused)
        wait = std::chrono::seconds(context_->config().sync.interval_seconds);
    else if (r.verdict == Verdict::unreachable)
        wait = backoff_.next(failures_++, std::nullopt);  // reset by a success
    waiting_ = true;
    retry_timer_.expires_after(wait);
    // A cancelled wait (SIGHUP, stop) already cleared waiting_ and may have
    // armed a new one: only a wait that ran out touches the state.
    retry_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        waiting_ = false;
        start();
    });
}

}  // namespace agent
