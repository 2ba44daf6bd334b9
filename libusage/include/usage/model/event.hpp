// usage/model/event.hpp — the normalised usage event every source plugin produces.
//
// One UsageEvent is one model call, whatever tool made it. Token classes are
// disjoint (see TokenCounts) so totals add up without double counting, and
// cost is carried in integer micro-dollars so sums are exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "usage/model/saturating.hpp"

namespace usage {

/// Disjoint token classes of one call. `reasoning` is an informational subset
/// of `output` and is never added to the total.
struct TokenCounts {
    std::int64_t input = 0;           ///< fresh, uncached input
    std::int64_t output = 0;          ///< everything generated, reasoning included
    std::int64_t reasoning = 0;       ///< subset of output
    std::int64_t cache_read = 0;      ///< served from the prompt cache
    std::int64_t cache_write_5m = 0;  ///< cache writes with the 5-minute TTL
    std::int64_t cache_write_1h = 0;  ///< cache writes with the 1-hour TTL

    // Sums saturate: counts read by a plugin or the endpoint are bounded
    // (usage/model/token_limits.hpp), but a store written before that rule can
    // hold any value, and re-pricing reads those too.
    [[nodiscard]] std::int64_t cache_write() const { return saturating_add(cache_write_5m, cache_write_1h); }
    [[nodiscard]] std::int64_t total() const {
        return saturating_add(saturating_add(saturating_add(input, output), cache_read), cache_write());
    }
    /// The prompt size used for long-context tier decisions.
    [[nodiscard]] std::int64_t prompt() const {
        return saturating_add(saturating_add(input, cache_read), cache_write());
    }
    /// Merge another copy of the same call. Streaming copies grow their
    /// output, so output and reasoning keep the maximum. The prompt figures
    /// (input, cache read, cache writes) describe one prompt and are never
    /// mixed across copies: they are taken whole from the copy whose prompt
    /// ranks higher (see prompt_outranks). Commutative and idempotent, so the
    /// result does not depend on the order copies are read in.
    void merge_copy(const TokenCounts& other);
    /// The order in which copies' prompt figures win: the larger prompt, then
    /// the one that carries a cache split, then the larger cache figures.
    [[nodiscard]] bool prompt_outranks(const TokenCounts& other) const;
    bool operator==(const TokenCounts&) const = default;
};

/// Where an event's cost came from, in order of trust.
/// The values are stored in the database: never renumber them.
enum class CostOrigin { unpriced = 0, estimated = 1, reported = 2, override_price = 3 };

std::string_view to_string(CostOrigin origin);
/// The origin a name of to_string() names ("" reads as unpriced); nullopt
/// for any other text.
std::optional<CostOrigin> cost_origin_from_string(std::string_view name);

/// One model call, normalised. `id` is the dedup key, namespaced by source
/// (e.g. `claude-code:<message.id>:<requestId>`).
struct UsageEvent {
    std::string id;
    std::string source;  ///< `claude-code`, `codex-cli`, ...
    std::string session_id;
    std::string parent_session_id;  ///< set for subagent calls
    std::string model;              ///< as the tool wrote it (what reports show)
    /// The provider's id to price `model` with, when the tool names models its
    /// own way (Cursor's `claude-4.5-sonnet` is `claude-sonnet-4-5`); empty =
    /// price `model` itself.
    std::string pricing_model;
    /// The tool did not record the model; the plugin inferred it (e.g. from
    /// Codex's config.toml default). Reports can flag such rows.
    bool model_guessed = false;
    /// The event is a sum of several calls (a running total turned into a
    /// delta, a session's shutdown totals, a record of deleted requests), not
    /// one call. Long-context tiers are decided per call on that call's own
    /// prompt, and the per-call split is unknown, so such an event is priced
    /// at base rates: its summed "prompt" would otherwise cross a tier
    /// threshold no single call reached. Stored, so re-pricing keeps it.
    bool aggregate = false;
    std::string provider;  ///< `anthropic`, `bedrock`, `openai`, ...
    std::string project_name;
    std::string project_path;
    std::string git_branch;
    /// The git remote URL of the project folder, without credentials ("":
    /// not a git work tree, no remote, or not known). Set by the tool when it
    /// records it (Codex), else by the scan engine from `project_path`.
    std::string repository;
    std::string surface;  ///< cli, ide, desktop, exec, subagent ...
    std::string machine_id;
    std::string user;
    std::int64_t timestamp_ms = 0;  ///< UTC, milliseconds since the epoch
    TokenCounts tokens;

    /// Cost the tool itself reported (micro-dollars), if any.
    std::optional<std::int64_t> reported_cost_micros;
    /// Final cost after pricing; empty when the model is unpriced.
    std::optional<std::int64_t> cost_micros;
    CostOrigin cost_origin = CostOrigin::unpriced;

    /// Replay handling: an event flagged `replay` (e.g. a Claude sidechain
    /// line) is superseded by a non-replay event of the same `dedup_group`
    /// that has a different id. When set, `dedup_group` MUST be a prefix of
    /// `id` (e.g. `claude-code:<message.id>:`), so the store finds a group's
    /// members through the primary key instead of maintaining another index.
    std::string dedup_group;
    bool replay = false;

    /// Not empty: the call failed and the tool wrote its error instead of an
    /// answer (Claude Code's `isApiErrorMessage` lines). The value says how,
    /// in the tool's words where it gives one (`rate_limit`, `server_error`,
    /// `http_529`), else `error`. A failed call has no tokens and no cost, and
    /// counts only in Totals::failed_requests: never as an event, a session
    /// or a user. Its `model` is the one the session called last (guessed).
    /// Fixed by the first copy stored: a later copy never changes it.
    std::string failure;

    /// Merge another copy of the same call: counts by TokenCounts::merge_copy,
    /// the session whose id sorts first (with its parent; a resumed session
    /// copies earlier calls into its own file), first non-empty value of
    /// every other descriptive field, earliest timestamp; `failure` stays
    /// this copy's; `aggregate` is set if either copy has it. Counts and session never depend on the order of copies.
    void merge(const UsageEvent& other);
};

/// The first id past the members of a non-empty dedup group: a group's
/// members are the ids in [group, dedup_group_end(group)) in byte order.
std::string dedup_group_end(const std::string& group);

}  // namespace usage
