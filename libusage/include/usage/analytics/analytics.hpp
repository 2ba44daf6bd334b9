// usage/analytics/analytics.hpp — aggregate queries over the store.
//
// One query model serves `usage-agent report` and (later) the HTTP API:
// a time range, filters, and a grouping. Time buckets are computed in the
// requested IANA time zone at query time; events are stored in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "usage/model/saturating.hpp"
#include "usage/store/store.hpp"

namespace usage {

enum class GroupBy { none, source, model, project, machine, user, repository, session, hour, day, week, month };

/// Parse "source", "day", ... Throws std::invalid_argument.
GroupBy group_by_from_string(const std::string& text);

/// Half-open UTC interval [since_ms, until_ms).
struct TimeRange {
    std::optional<std::int64_t> since_ms;
    std::optional<std::int64_t> until_ms;
};

/// Resolve a named range (`today, 24h, 7d, 30d, month, year, all`) or
/// custom dates (`YYYY-MM-DD`, inclusive until) in `tz` at `now_ms`.
/// Throws std::invalid_argument with a one-line reason.
TimeRange resolve_range(const std::string& name, const std::string& since_date, const std::string& until_date,
                        const std::string& tz, std::int64_t now_ms);

/// The local time zone name (TZ, /etc/timezone, /etc/localtime) or "UTC".
std::string local_time_zone();

/// Throws std::invalid_argument when `tz` is not a known IANA zone.
void validate_time_zone(const std::string& tz);

/// Format a UTC timestamp as ISO-8601 with milliseconds and `Z`.
std::string format_utc_ms(std::int64_t ms);

/// A UTC timestamp as the wall-clock time in `tz` for people to read:
/// "YYYY-MM-DD HH:MM", or "YYYY-MM-DD" without the time. Throws
/// std::invalid_argument for an unknown zone.
std::string format_local_ms(std::int64_t utc_ms, const std::string& tz, bool with_time = true);

struct Filters {
    std::string source;   ///< exact source name
    std::string model;    ///< substring of the model id
    std::string project;  ///< exact project name
    std::string machine;  ///< machine id, its first 8 characters (as labels show them) or name
    std::string user;
    std::string repository;  ///< exact repository URL ('' events have none; see UsageEvent)
};

struct Query {
    TimeRange range;
    std::string tz = "UTC";
    Filters filters;
    GroupBy group = GroupBy::none;
    std::int64_t limit = 0;   ///< 0 = all rows
    std::int64_t offset = 0;  ///< rows skipped (after sorting)
};

/// The totals every row and the whole result carry.
struct Totals {
    std::int64_t events = 0;
    std::int64_t sessions = 0;  ///< distinct (source, session id)
    std::int64_t users = 0;     ///< distinct users
    std::int64_t machines = 0;  ///< distinct machines
    /// Sum over sessions of (last - first event time) within the matched
    /// events: the average session duration is this / sessions.
    std::int64_t session_duration_ms = 0;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t reasoning_tokens = 0;
    std::int64_t cache_read_tokens = 0;
    std::int64_t cache_write_5m_tokens = 0;
    std::int64_t cache_write_1h_tokens = 0;
    std::int64_t cost_micros = 0;            ///< over priced events
    std::int64_t reported_cost_micros = 0;   ///< reported by the tool
    std::int64_t estimated_cost_micros = 0;  ///< estimated (incl. user overrides)
    std::int64_t unpriced_events = 0;
    /// Calls that failed (UsageEvent::failure): counted here only, in no
    /// other figure (not in `events`, sessions, users, tokens or cost).
    std::int64_t failed_requests = 0;
    /// A sum (or total_tokens()) did not fit in 64 bits, which only a store
    /// holding impossible numbers can cause: the sums that overflowed show
    /// the int64 limit instead of a wrapped value (usage/model/saturating.hpp).
    bool overflow = false;

    // Derived sums saturate too; run_query sets `overflow` when they do.
    [[nodiscard]] std::int64_t cache_write_tokens() const {
        return saturating_add(cache_write_5m_tokens, cache_write_1h_tokens);
    }
    [[nodiscard]] std::int64_t total_tokens() const {
        return saturating_add(saturating_add(saturating_add(input_tokens, output_tokens), cache_read_tokens),
                              cache_write_tokens());
    }
    /// Every call made: the answered ones (`events`) and the failed ones.
    [[nodiscard]] std::int64_t requests() const { return saturating_add(events, failed_requests); }
    // Per-session averages, rounded to the nearest integer (0 without sessions).
    [[nodiscard]] std::int64_t avg_tokens_per_session() const { return per_session(total_tokens()); }
    [[nodiscard]] std::int64_t avg_cost_micros_per_session() const { return per_session(cost_micros); }
    [[nodiscard]] std::int64_t avg_session_duration_ms() const { return per_session(session_duration_ms); }

private:
    [[nodiscard]] std::int64_t per_session(std::int64_t sum) const {
        return sessions > 0 ? saturating_add(sum, sessions / 2) / sessions : 0;
    }
};

/// Extra facts of a session row.
struct SessionInfo {
    std::string project;
    std::string machine;
    std::string source;
    std::string surface;
    std::vector<std::string> models;
    std::int64_t first_ms = 0;
    std::int64_t last_ms = 0;
    /// The session cost ledger's figure (Store::record_session_cost): the
    /// tool's own cost of the whole session, whatever the query's range.
    std::optional<std::int64_t> ledger_cost_micros;
    /// What the session cost: the ledger's figure when there is one
    /// (authoritative), else the events' sum (`events_cost`, estimated).
    [[nodiscard]] std::int64_t cost_micros(std::int64_t events_cost) const {
        return ledger_cost_micros.value_or(events_cost);
    }
};

struct Row {
    /// The group's value: a day, a model id, ..., and for machine rows the
    /// machine's id (two machines may share a hostname).
    std::string key;
    /// What people read for the key: the key itself, but for machine rows the
    /// machine's name, followed by its short id (the first 8 characters) when
    /// another row of the result has the same name.
    std::string label;
    /// Machine rows: the machine's name as it reported it.
    std::string name;
    Totals totals;
    std::optional<SessionInfo> session;  ///< GroupBy::session only
    /// Per-model breakdown (filled when requested with `with_models`).
    std::vector<std::pair<std::string, Totals>> models;
};

struct Report {
    TimeRange range;
    std::string tz;
    GroupBy group = GroupBy::none;
    Totals totals;
    std::vector<Row> rows;
    std::int64_t row_count = 0;  ///< rows before limit and offset (for paging)
};

/// Run a query. `with_models` adds a per-model breakdown to each row.
Report run_query(const Store& store, const Query& query, bool with_models = false);

}  // namespace usage
