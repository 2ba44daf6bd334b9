#include "exporters/otlp_runner.hpp"

namespace agent {

std::optional<usage::sync::OtlpReport> run_otlp_export(AppContext& ctx,
                                                       std::function<void(std::chrono::milliseconds)> sleep) {
    const auto& config = ctx.config();
    const auto& otlp = config.exporters.otlp;
    if (otlp.endpoint.empty()) return std::nullopt;
    usage::sync::OtlpOptions o;
    o.endpoint = otlp.endpoint;
    o.headers = otlp.headers;
    o.batch_records = static_cast<std::size_t>(otlp.batch_size);
    // One set of delivery settings per machine: the push's.
    o.http.ca_file = config.sync.ca_file;
    o.http.insecure_skip_verify = config.sync.insecure_skip_verify;
    o.http.user_agent = "usage-agent/" USAGE_AGENT_VERSION;
    o.http.timeout = std::chrono::seconds(config.sync.timeout_seconds);
    o.max_attempts = config.sync.max_attempts;
    o.resource.service_version = USAGE_AGENT_VERSION;
    o.resource.host_name = config.machine_name;
    o.resource.machine_id = ctx.store().machine_id();
    o.resource.user = config.user;
    if (sleep) o.sleep = std::move(sleep);
    return usage::sync::export_otlp(ctx.store(), o);
}

bool otlp_failed(const usage::sync::OtlpReport& report) {
    return report.outcome == usage::sync::OtlpOutcome::refused ||
           report.outcome == usage::sync::OtlpOutcome::unreachable;
}

nlohmann::json otlp_report_json(const usage::sync::OtlpReport& r) {
    return {{"outcome", std::string(usage::sync::otlp_outcome_name(r.outcome))},
            {"pending_before", r.pending_before.rows},
            {"sent", r.sent.rows},
            {"sent_superseded", r.sent.superseded},
            {"sent_failed", r.sent.failed},
            {"batches", r.batches},
            {"retries", r.retries},
            {"rejected_records", r.rejected_records},
            {"metric_points", r.metric_points},
            {"still_queued", r.still_queued.rows},
            {"message", r.message}};
}

}  // namespace agent
