// Ties the two copies of one model call in a Qwen Code chat file to one key.
//
// Qwen Code logs each API response twice: first as a `ui_telemetry` record
// (`qwen-code.api_response`, written when the response stream ends), then as
// the `assistant` record that holds the answer, whose parentUuid is the
// telemetry record's uuid (the recorder chains every record to the one
// written before it). Streaming can repeat the telemetry for one
// response_id. Every copy of a call gets the key of the call's first
// telemetry record, so the store keeps one event whichever copies it reads,
// in one scan or across incremental scans (the pending call is the scan
// state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "qwen_record_parser.hpp"

namespace usage::plugins::qwen {

class CallLinker {
public:
    /// `state`: what state() returned after the previous scan of the file ("" at its start).
    explicit CallLinker(std::string_view state);

    /// The key (`<sessionId>:<uuid>`) of the call a telemetry or assistant
    /// record belongs to. `line_offset` names a record without a uuid.
    std::string key_of(const QwenRecord& rec, std::uint64_t line_offset);

    /// The telemetry call not yet matched by its assistant record, for the next scan.
    [[nodiscard]] std::string state() const;

private:
    std::string pending_key_;       ///< key of the unmatched call ("" when none)
    std::string pending_last_;      ///< uuid of its latest telemetry copy (the assistant's parent)
    std::string pending_response_;  ///< its response_id
    QwenUsage pending_usage_;       ///< the figures of its latest copy
};

/// A record's own key: `<sessionId>:<uuid>`, or for a `/branch` copy the key
/// of the record it copies (so a branched session does not count the
/// parent's calls twice).
std::string own_key(const QwenRecord& rec, std::uint64_t line_offset);

}  // namespace usage::plugins::qwen
