// usage/model/token_limits.hpp — the one rule for the numbers of one call, shared
// by every source plugin and the endpoint's decoder (docs/cli.md,
// "Numbers").
//
// A token count is a non-negative JSON integer no larger than
// kMaxTokensPerCall. Anything else (negative, fractional or written with a
// decimal point or exponent, a string, too large for 64 bits, above the cap)
// makes the event that carries it invalid: it is skipped and reported, never
// stored. Absent or `null` means "not reported" and reads as 0. With every
// stored count and cost bounded, a call's cost fits easily in 64 bits, and so
// do token sums over a billion calls and cost sums over 9,000 at the caps;
// sums that still would not fit saturate and are flagged (usage/analytics/analytics.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace usage {

/// The largest count one token class of one call may hold: 500 times the
/// largest context window of any model today (1-2 M tokens) and thousands of
/// times the largest output limit (~128 K). A count above it is a corrupt
/// number, not a call.
inline constexpr std::int64_t kMaxTokensPerCall = 1'000'000'000;

/// The largest running total a transcript may carry (Codex's cumulative
/// `total_token_usage`): a million calls at the cap. Per-call figures
/// derived from running totals must still obey kMaxTokensPerCall.
inline constexpr std::int64_t kMaxRunningTokens = 1'000'000 * kMaxTokensPerCall;

/// The largest cost one call may carry, in micro-dollars ($1 billion): above
/// anything kMaxTokensPerCall tokens of every class can cost at the price cap
/// (usage/pricing/pricing.hpp, kMaxPricePerMillion), so a computed cost always fits,
/// and a reported cost above it is corrupt.
inline constexpr std::int64_t kMaxCostMicrosPerCall = 1'000'000'000'000'000;

/// Whether `n` is a token count: 0 <= n <= kMaxTokensPerCall.
constexpr bool is_token_count(std::int64_t n) {
    return n >= 0 && n <= kMaxTokensPerCall;
}

/// The rules in words, for messages ("FIELD is VALUE, RULE").
inline constexpr std::string_view kTokenCountRule = "not a token count (0..1000000000)";
inline constexpr std::string_view kRunningTotalRule = "not a running token total (0..1000000000000000)";
inline constexpr std::string_view kCallCostRule = "not a cost (0..1000000000 USD)";
static_assert(kMaxTokensPerCall == 1'000'000'000 && kMaxRunningTokens == 1'000'000'000'000'000 &&
                  kMaxCostMicrosPerCall == 1'000'000'000'000'000,
              "the rules' wording names the caps");

/// `text` (a value as written) made safe and short for a one-line message:
/// control bytes become `?`, and more than 40 bytes are cut with `...`.
std::string quoted_value(std::string_view text);

/// Where a record sits in its file, for the warning about it.
struct RecordPlace {
    std::uint64_t line = 0;               ///< 1-based line; 0 = not known (yet)
    std::optional<std::uint64_t> offset;  ///< byte offset of the record's line, turned into `line` when warning
    std::string row;                      ///< a database row or key, for records without lines

    static RecordPlace at_line(std::uint64_t line) { return {line, std::nullopt, {}}; }
    static RecordPlace at_offset(std::uint64_t offset) { return {0, offset, {}}; }
    static RecordPlace at_row(std::string row) { return {0, std::nullopt, std::move(row)}; }
};

/// The events one scan or import skipped because a number broke the rule,
/// and what was wrong with the first one: one warning per file names it.
struct InvalidEvents {
    std::uint64_t count = 0;
    RecordPlace first_place;
    std::string first_field;  ///< the bad field's path, e.g. `message.usage.output_tokens`
    std::string first_value;  ///< the bad value as written (quoted_value)
    std::string first_rule;   ///< what a valid value is, e.g. kTokenCountRule

    /// Count one invalid event; the first one's place and field are kept.
    void add(const RecordPlace& place, std::string_view field, std::string_view value,
             std::string_view rule = kTokenCountRule);
    /// Fill `first_place.line` from `first_place.offset` by counting the lines
    /// of `file` before it (only done when there is something to warn about,
    /// so the scan's hot path never counts lines). Leaves it 0 when the file
    /// cannot be read.
    void resolve_line(const std::filesystem::path& file);
    /// `FILE:LINE: FIELD is VALUE, RULE: event skipped (N invalid events in
    /// this file)`; `FILE: ROW: ...` for a database row.
    [[nodiscard]] std::string warning(const std::filesystem::path& file) const;
};

}  // namespace usage
