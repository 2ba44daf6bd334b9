// The endpoint's quick way through a well-formed batch: simdjson instead of
// a DOM of maps and strings, which was most of `serve`'s CPU at tens of
// thousands of events a second. It judges nothing: whatever it does not
// accept as plainly valid (a wrong field, a duplicate key, a control byte, a
// number it does not read the same way) it leaves to the strict decoder in
// protocol.cpp, whose answer - the batch or the message naming the field -
// is the only one.
#pragma once

#include <optional>
#include <string_view>

#include "usage/sync/protocol.hpp"

namespace usage::sync::detail {

/// The batch, exactly as decode_batch_strict() reads it; nullopt when the
/// strict decoder must look at it (invalid, or merely unusual).
std::optional<IngestBatch> decode_batch_fast(std::string_view json);

/// The strict decoder alone (protocol.cpp): what decode_batch() answers
/// whenever decode_batch_fast() gives nullopt.
IngestBatch decode_batch_strict(std::string_view json);

}  // namespace usage::sync::detail
