// What the three Copilot stores share: the source name, the file kinds, the
// event ids and supersede groups, and the split of Copilot's input figure.
//
// One call is counted once even when several stores hold it. Every event of
// a session has an id below `copilot-cli:<session>:`, and that prefix is the
// dedup_group of the OpenTelemetry spans and of the shutdown totals, which
// are flagged `replay`: a row of session-store.db (not a replay) of the same
// session supersedes them in the store, whichever file is read first and in
// whichever sync. The store knows two levels only (replay or not), so spans
// and shutdown totals of a session that has no database row both count (see
// docs/sources/copilot-cli.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "usage/model/event.hpp"

namespace usage::plugins::copilot {

inline constexpr std::string_view kSource = "copilot-cli";
inline constexpr std::string_view kKindDatabase = "session-store";
inline constexpr std::string_view kKindOtel = "otel";
inline constexpr std::string_view kKindEvents = "events";

/// Token figures as Copilot writes them: `input` includes the cache reads
/// and writes.
struct CopilotUsage {
    std::int64_t input = 0;
    std::int64_t output = 0;
    std::int64_t cache_read = 0;
    std::int64_t cache_write = 0;
    std::int64_t reasoning = 0;
};

/// Disjoint classes: uncached input = input - cache_read - cache_write. When
/// that would be negative the record cannot include both caches; then
/// input - cache_read (cache writes billed apart, as ccusage reads OTel), and
/// when even that is negative the input figure is taken as already uncached.
/// Nothing is ever clamped away. Cache writes are Anthropic's 5-minute ones.
TokenCounts split_usage(const CopilotUsage& u);

/// `copilot-cli:<session>:`, the prefix of every id of that session.
std::string session_group(std::string_view session_id);

/// nano-AIU (10^-9 AI units; one AIU is $0.01) in micro-dollars, rounded.
std::int64_t nano_aiu_to_micros(double nano_aiu);

/// Where a session ran, from session.start or the sessions table.
struct SessionPlace {
    std::string cwd;
    std::string git_root;
    std::string branch;
    std::string repository;  ///< `owner/name` as Copilot writes it
    std::string repository_host;
};

/// An event with the fields every store fills the same way: source, session,
/// model (with its pricing id and provider), surface, place, timestamp.
UsageEvent base_event(std::string_view session_id, std::string_view model, const SessionPlace& place,
                      std::int64_t timestamp_ms);

}  // namespace usage::plugins::copilot
