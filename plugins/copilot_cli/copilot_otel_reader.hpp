// Copilot's OpenTelemetry file export (COPILOT_OTEL_EXPORTER_TYPE=file), an
// append-only JSONL file of span, metric and log records.
#pragma once

#include "usage/scan/source.hpp"

namespace usage::plugins::copilot {

/// One event per `type:"span"` record named `chat <model>` (key
/// traceId:spanId). `invoke_agent` spans (sums of their chats), tool spans,
/// metrics and logs are not calls and are skipped. A chat span whose usage
/// values are not token counts (e.g. a publisher's "[REDACTED]") is invalid:
/// counted in ScanResult::invalid, never a zero-token call.
ScanResult scan_otel_export(const SourceFile& file, const ScanStart& start);

}  // namespace usage::plugins::copilot
