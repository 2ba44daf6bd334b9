#include "daemon/run_deliveries.hpp"

#include "exporters/otlp_runner.hpp"
#include "metrics/agent_metrics.hpp"
#include "push_runner.hpp"

namespace agent {

using Verdict = DeliveryResult::Verdict;

DeliveryResult deliver_push(AppContext& ctx, const DeliverySchedule::Sleep& sleep, const RunLog& log) {
    using usage::sync::PushOutcome;
    std::optional<usage::sync::PushReport> report;
    try {
        report = run_push(ctx, sleep, kRunFolderSegmentInterval);
    } catch (const std::exception&) {
        metrics::record_push_failure();
        throw;  // unreachable, with its message
    }
    if (!report) return {};  // no endpoint (any more)
    metrics::record_push(*report);
    for (const auto& s : report->set_aside)
        log.warn("push: the endpoint refused " + s.event_id + "; set aside until it changes: " + s.reason);
    DeliveryResult r;
    r.line = report->message;
    switch (report->outcome) {
        case PushOutcome::delivered: r.verdict = Verdict::delivered; break;
        case PushOutcome::nothing_to_send:
            // A shared folder's rows held back by kRunFolderSegmentInterval:
            // pushed once it is over.
            r.verdict = report->still_queued.rows > 0 ? Verdict::held_back : Verdict::done;
            r.hold = kRunFolderSegmentInterval;
            break;
        case PushOutcome::unreachable: r.verdict = Verdict::unreachable; break;
        case PushOutcome::auth_refused:
        case PushOutcome::refused:
        case PushOutcome::not_started: r.verdict = Verdict::refused; break;
    }
    return r;
}

DeliveryResult deliver_otlp(AppContext& ctx, const DeliverySchedule::Sleep& sleep) {
    using usage::sync::OtlpOutcome;
    const auto report = run_otlp_export(ctx, sleep);
    if (!report) return {};
    DeliveryResult r;
    r.line = report->message;
    switch (report->outcome) {
        case OtlpOutcome::nothing_to_send: r.verdict = Verdict::done; break;
        case OtlpOutcome::delivered: r.verdict = Verdict::delivered; break;
        case OtlpOutcome::refused: r.verdict = Verdict::refused; break;
        case OtlpOutcome::unreachable: r.verdict = Verdict::unreachable; break;
    }
    return r;
}

}  // namespace agent
