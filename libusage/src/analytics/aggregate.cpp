// Aggregation in C++ hash maps: SQLite's GROUP BY and COUNT(DISTINCT) sort
// every row through temporary B-trees, which cost several times the scan.
#include "analytics/aggregate.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analytics/time_zone.hpp"

namespace usage::detail {
namespace {

struct Span {
    std::int64_t first_ms;
    std::int64_t last_ms;
};

// A vector of seen values is merged in place when it passes its limit,
// which then doubles: memory follows the distinct values (the rows of an
// event scan can be millions), at O(n log n) over the query.
constexpr std::size_t kCompactAt = 4096;

// Everything one group accumulates. Sessions and users are small integer ids
// (interned once per query by the Aggregator) in vectors that finish() sorts
// and merges: a map per group, per hour bucket and per model cost an
// allocation per row and most of a timeseries' time.
struct Acc {
    Totals totals;
    std::vector<std::pair<std::uint32_t, Span>> sessions;  // by session id, merged in finish()
    std::vector<std::uint32_t> users;
    std::vector<std::int64_t> machines;
    // Sizes past which the vectors are merged in place (see keep_bounded()).
    std::size_t sessions_limit = kCompactAt, users_limit = kCompactAt, machines_limit = kCompactAt;
    std::int64_t first_ms = std::numeric_limits<std::int64_t>::max();
    std::int64_t last_ms = std::numeric_limits<std::int64_t>::min();
    std::string project, machine, source, surface;  // session rows: the largest value, like SQL max()
    // Session rows. Transparent: a row's model (a view) is looked up without
    // building a string, which for ids past the small-string size cost a
    // malloc and a free per row.
    std::set<std::string, std::less<>> models;
    std::map<std::string, Acc> by_model;  // --full breakdown
};

// Sorted, each value once.
template <typename T>
void compact(std::vector<T>& seen) {
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
}

// Sorted by session id, each session once with its first and last time.
void compact(std::vector<std::pair<std::uint32_t, Span>>& sessions) {
    std::sort(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t out = 0;
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        if (out > 0 && sessions[out - 1].first == sessions[i].first) {
            Span& kept = sessions[out - 1].second;
            kept.first_ms = std::min(kept.first_ms, sessions[i].second.first_ms);
            kept.last_ms = std::max(kept.last_ms, sessions[i].second.last_ms);
        } else {
            sessions[out++] = sessions[i];
        }
    }
    sessions.resize(out);
}

template <typename V>
void keep_bounded(V& seen, std::size_t& limit) {
    if (seen.size() < limit) return;
    compact(seen);
    limit = std::max(kCompactAt, 2 * seen.size());
}

// Appends `value` unless it repeats the last one (rows come in runs).
template <typename T>
void note(std::vector<T>& seen, T value, std::size_t& limit) {
    if (!seen.empty() && seen.back() == value) return;
    seen.push_back(value);
    keep_bounded(seen, limit);
}

void add_row(Acc& acc, const UsageRow& r, std::uint32_t session, std::uint32_t user) {
    Totals& t = acc.totals;
    t.events += r.events;
    if (!acc.sessions.empty() && acc.sessions.back().first == session) {
        Span& span = acc.sessions.back().second;
        span.first_ms = std::min(span.first_ms, r.first_ms);
        span.last_ms = std::max(span.last_ms, r.last_ms);
    } else {
        acc.sessions.emplace_back(session, Span{r.first_ms, r.last_ms});
        keep_bounded(acc.sessions, acc.sessions_limit);
    }
    note(acc.users, user, acc.users_limit);
    note(acc.machines, r.machine, acc.machines_limit);
    // Every value is non-negative in a store that keeps the token rule, so
    // saturating sums give the same total and flag in any order of rows.
    auto add = [&t](std::int64_t& sum, std::int64_t value) { sum = saturating_add(sum, value, t.overflow); };
    add(t.input_tokens, r.input);
    add(t.output_tokens, r.output);
    add(t.reasoning_tokens, r.reasoning);
    add(t.cache_read_tokens, r.cache_read);
    add(t.cache_write_5m_tokens, r.cache_write_5m);
    add(t.cache_write_1h_tokens, r.cache_write_1h);
    add(t.cost_micros, r.cost_micros);
    add(t.reported_cost_micros, r.reported_cost_micros);
    add(t.estimated_cost_micros, r.estimated_cost_micros);
    t.unpriced_events += r.unpriced_events;
    acc.first_ms = std::min(acc.first_ms, r.first_ms);
    acc.last_ms = std::max(acc.last_ms, r.last_ms);
}

void keep_max(std::string& mine, std::string_view theirs) {
    if (mine < theirs) mine = theirs;
}

// Failed calls count only as failures: no event, session, user or machine.
void add_failures(Acc& acc, const UsageRow& r) {
    acc.totals.failed_requests += r.failed;
    acc.first_ms = std::min(acc.first_ms, r.first_ms);
    acc.last_ms = std::max(acc.last_ms, r.last_ms);
}

Totals finish(Acc& acc) {
    Totals& t = acc.totals;
    compact(acc.users);
    compact(acc.machines);
    compact(acc.sessions);
    t.users = static_cast<std::int64_t>(acc.users.size());
    t.machines = static_cast<std::int64_t>(acc.machines.size());
    t.sessions = static_cast<std::int64_t>(acc.sessions.size());
    for (const auto& entry : acc.sessions) {
        const Span& span = entry.second;
        std::int64_t length = 0;
        if (__builtin_sub_overflow(span.last_ms, span.first_ms, &length)) {
            length = std::numeric_limits<std::int64_t>::max();
            t.overflow = true;
        }
        t.session_duration_ms = saturating_add(t.session_duration_ms, length, t.overflow);
    }
    // total_tokens() saturates on its own: flag it here, in its order.
    const std::int64_t writes = saturating_add(t.cache_write_5m_tokens, t.cache_write_1h_tokens, t.overflow);
    const std::int64_t in_out = saturating_add(t.input_tokens, t.output_tokens, t.overflow);
    saturating_add(saturating_add(in_out, t.cache_read_tokens, t.overflow), writes, t.overflow);
    return t;
}

}  // namespace

// Interns strings (or pairs of them: a session is its source and id) as
// dense ids, remembering the last one asked for: rows come in runs of one
// session and one user, which then cost two comparisons.
class Interner {
public:
    std::uint32_t id(std::string_view a, std::string_view b = {}) {
        if (!ids_.empty() && a == last_a_ && b == last_b_) return last_id_;
        last_a_.assign(a);
        last_b_.assign(b);
        key_.assign(a).append("\x1f").append(b);
        last_id_ = ids_.try_emplace(key_, static_cast<std::uint32_t>(ids_.size())).first->second;
        return last_id_;
    }

private:
    std::unordered_map<std::string, std::uint32_t> ids_;
    std::string last_a_, last_b_, key_;
    std::uint32_t last_id_ = 0;
};

struct Aggregator::State {
    Query query;
    bool with_models = false;
    Acc all;
    std::unordered_map<std::string, Acc> groups;
    Interner sessions, users;
    std::string last_key;  // rows come in runs of one key: skip the map lookup
    Acc* last_acc = nullptr;
};

Aggregator::Aggregator(const Query& query, bool with_models) : s_(std::make_unique<State>()) {
    s_->query = query;
    s_->with_models = with_models;
}

Aggregator::~Aggregator() = default;

void Aggregator::add(const UsageRow& r) {
    State& s = *s_;
    const bool failures = r.failed != 0;
    std::uint32_t session = 0, user = 0;
    if (failures) {
        add_failures(s.all, r);
    } else {
        session = s.sessions.id(r.source, r.session_id);
        user = s.users.id(r.user);
        add_row(s.all, r, session, user);
    }
    const GroupBy group = s.query.group;
    if (group == GroupBy::none) return;
    if (failures && group == GroupBy::session) {
        // A session row is a session counted: one whose calls all failed is
        // none (nor in Totals::sessions). Failure rows come after every event
        // (run_query reads them last), so its group exists if it ever will.
        auto it = s.groups.find(std::string(r.key));
        if (it == s.groups.end()) return;
        s.last_key = it->first;
        s.last_acc = &it->second;
    }
    if (!s.last_acc || s.last_key != r.key) {
        s.last_key = r.key;
        s.last_acc = &s.groups[s.last_key];
    }
    Acc& acc = *s.last_acc;
    failures ? add_failures(acc, r) : add_row(acc, r, session, user);
    if (group == GroupBy::machine) keep_max(acc.machine, r.machine_name);
    if (group == GroupBy::session) {
        keep_max(acc.project, r.project);
        keep_max(acc.machine, r.machine_name);
        keep_max(acc.source, r.source);
        keep_max(acc.surface, r.surface);
        if (!failures && acc.models.find(r.model) == acc.models.end())  // a failed call's model is a guess
            acc.models.emplace(r.model);
    }
    if (s.with_models && group != GroupBy::model) {
        Acc& m = acc.by_model[std::string(r.model)];
        failures ? add_failures(m, r) : add_row(m, r, session, user);
    }
}

Report Aggregator::report() {
    State& s = *s_;
    const Query& q = s.query;
    const bool session_rows = q.group == GroupBy::session;
    Report report;
    report.range = q.range;
    report.tz = q.tz;
    report.group = q.group;
    report.totals = finish(s.all);

    // Sorted and paged before any Row is built: a sessions page at 10M
    // events is 50 rows of 62,000 groups, and building every row (its
    // strings, its session's models) cost most of the query. The sort keys
    // (a key, the last time, cost and tokens) are all known before finish().
    using Group = std::pair<const std::string, Acc>;
    std::vector<Group*> order;
    order.reserve(s.groups.size());
    for (auto& group : s.groups) order.push_back(&group);
    const bool time_bucket = is_time_bucket(q.group);
    auto tokens = [](const Acc& a) { return a.totals.total_tokens(); };
    std::sort(order.begin(), order.end(), [&](const Group* a, const Group* b) {
        if (time_bucket) return a->first < b->first;
        if (session_rows) {
            if (a->second.last_ms != b->second.last_ms) return a->second.last_ms > b->second.last_ms;
            return a->first < b->first;
        }
        if (a->second.totals.cost_micros != b->second.totals.cost_micros)
            return a->second.totals.cost_micros > b->second.totals.cost_micros;
        if (tokens(a->second) != tokens(b->second)) return tokens(a->second) > tokens(b->second);
        return a->first < b->first;
    });
    report.row_count = static_cast<std::int64_t>(order.size());
    const auto first =
        std::min<std::size_t>(static_cast<std::size_t>(std::max<std::int64_t>(q.offset, 0)), order.size());
    const auto last =
        q.limit > 0 ? std::min<std::size_t>(first + static_cast<std::size_t>(q.limit), order.size()) : order.size();

    // Machine rows: a name two machines share gets the short id, whichever page they are on.
    std::unordered_map<std::string, int> named;
    if (q.group == GroupBy::machine)
        for (const Group* g : order) ++named[g->second.machine];
    for (std::size_t i = first; i < last; ++i) {
        auto& [key, acc] = *order[i];
        Row row;
        row.key = key;
        row.totals = finish(acc);
        if (session_rows)
            row.session = SessionInfo{acc.project,
                                      acc.machine,
                                      acc.source,
                                      acc.surface,
                                      std::vector<std::string>(acc.models.begin(), acc.models.end()),
                                      acc.first_ms,
                                      acc.last_ms,
                                      std::nullopt};
        for (auto& [model, m] : acc.by_model) row.models.emplace_back(model, finish(m));
        row.label = row.key;
        if (q.group == GroupBy::machine) {
            row.name = acc.machine;
            row.label =
                named[row.name] > 1 && !row.key.empty() ? row.name + " (" + row.key.substr(0, 8) + ")" : row.name;
        }
        report.rows.push_back(std::move(row));
    }
    return report;
}

}  // namespace usage::detail
