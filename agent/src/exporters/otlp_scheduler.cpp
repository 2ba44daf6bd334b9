#include "exporters/otlp_scheduler.hpp"

#include <boost/asio/post.hpp>

#include "exporters/otlp_runner.hpp"

namespace agent {

using std::chrono::milliseconds;

OtlpScheduler::OtlpScheduler(boost::asio::io_context& io, const RunLog& log,
                             std::function<void(std::chrono::milliseconds)> sleep, usage::sync::RetryBackoff backoff)
    : io_(io), log_(log), sleep_(std::move(sleep)), retry_timer_(io), backoff_(std::move(backoff)) {}

void OtlpScheduler::use(std::shared_ptr<AppContext> context) {
    context_ = std::move(context);
    retry_timer_.cancel();
    waiting_ = false;
    failures_ = 0;
    const auto& endpoint = context_->config().exporters.otlp.endpoint;
    if (!endpoint.empty()) log_.info("exporting to " + endpoint + " (OTLP)");
}

void OtlpScheduler::request() {
    if (stopping_ || !context_ || context_->config().exporters.otlp.endpoint.empty()) return;
    if (running_) {
        again_ = true;
        return;
    }
    if (waiting_) return;  // backing off: the timer exports
    start();
}

void OtlpScheduler::stop() {
    stopping_ = true;
    retry_timer_.cancel();
    waiting_ = false;
}

void OtlpScheduler::start() {
    running_ = true;
    again_ = false;
    auto context = context_;
    worker_.post([this, context] {
        Result r;
        try {
            if (auto report = run_otlp_export(*context, sleep_)) {
                r.configured = true;
                r.failed = otlp_failed(*report);
                r.refused = report->outcome == usage::sync::OtlpOutcome::refused;
                r.delivered = report->outcome == usage::sync::OtlpOutcome::delivered;
                r.line = report->message;
            }
        } catch (const std::exception& e) {
            r.configured = r.failed = true;
            r.line = e.what();
        }
        if (context->store_open()) context->store().release_memory();
        boost::asio::post(io_, [this, r] { done(r); });
    });
}

void OtlpScheduler::done(const Result& r) {
    running_ = false;
    if (stopping_ || !r.configured) return;
    // Deliveries are news; a failure is logged when it starts or changes,
    // not at every retry of the same one.
    if (r.delivered)
        log_.info("otlp: " + r.line);
    else if (r.line != last_line_)
        (r.failed ? log_.error("otlp: " + r.line) : log_.debug("otlp: " + r.line));
    last_line_ = r.line;
    if (!r.failed) {
        failures_ = 0;
        if (again_) start();
        return;
    }
    const milliseconds wait = r.refused ? milliseconds(std::chrono::seconds(context_->config().sync.interval_seconds))
                                        : backoff_.next(failures_++, std::nullopt);
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
