// run_deliveries.hpp — what one delivery of `run` does for each destination
// (DeliverySchedule's jobs): the sync push and the OTLP export, their
// outcomes turned into the schedule's verdicts.
#pragma once

#include "daemon/delivery_schedule.hpp"
#include "daemon/run_log.hpp"

namespace agent {

/// Push to sync.endpoint (a shared folder at most one segment a minute),
/// with the push's metrics; refused rows set aside are warned about.
DeliveryResult deliver_push(AppContext& ctx, const DeliverySchedule::Sleep& sleep, const RunLog& log);

/// Export to exporters.otlp.endpoint.
DeliveryResult deliver_otlp(AppContext& ctx, const DeliverySchedule::Sleep& sleep);

}  // namespace agent
