// OTLP/HTTP JSON bodies (opentelemetry-proto's JSON mapping: lowerCamelCase
// field names, 64-bit integers and nanosecond times as decimal strings, enums
// as numbers): the log records of outbox rows and the metrics of the store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "usage/analytics/analytics.hpp"
#include "usage/sync/otlp_export.hpp"
#include "usage/sync/outbox.hpp"

namespace usage::sync {

/// The ExportLogsServiceRequest of these rows: one log record each.
/// `now_ns` is every record's observedTimeUnixNano.
std::string otlp_logs_body(const std::vector<Outbox::Item>& items, const OtlpResource& resource, std::int64_t now_ns);

/// The provider as gen_ai.provider.name spells it (`bedrock` is
/// `aws.bedrock`, ...); other names as they are, "" stays "".
std::string otlp_provider_name(const std::string& provider);

struct OtlpMetricsBody {
    std::string json;
    std::uint64_t points = 0;  ///< data points in it
};

/// The ExportMetricsServiceRequest of a report grouped by source with its
/// per-model breakdown: cumulative sums counted since `start_ns`.
OtlpMetricsBody otlp_metrics_body(const Report& by_source, const OtlpResource& resource, std::int64_t start_ns,
                                  std::int64_t now_ns);

/// The reason in an OTLP error answer (a google.rpc.Status: its `message`),
/// else the start of the body on one line.
std::string otlp_error_reason(std::string_view body);

/// What an OTLP success answer says was dropped anyway (partialSuccess's
/// `field`, e.g. "rejectedLogRecords"), with its errorMessage appended to
/// `message`; 0 for an empty or non-JSON answer.
std::uint64_t otlp_rejected(std::string_view body, const char* field, std::string& message);

}  // namespace usage::sync
