// Aggregation in C++ hash maps: SQLite's GROUP BY and COUNT(DISTINCT) sort
// every row through temporary B-trees, which cost several times the scan.
#include "analytics/aggregate.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "analytics/time_zone.hpp"

namespace usage::detail {
namespace {

struct Span {
    std::int64_t first_ms;
    std::int64_t last_ms;
};

// Everything one group accumulates.
struct Acc {
    Totals totals;
    std::unordered_map<std::string, Span> sessions;  // source + '\x1f' + session id
    std::unordered_set<std::string> users;
    std::unordered_set<std::int64_t> machines;
    std::string last_user;  // rows come in runs of one user: skip the set lookup
    std::int64_t last_machine = -1;
    std::int64_t first_ms = std::numeric_limits<std::int64_t>::max();
    std::int64_t last_ms = std::numeric_limits<std::int64_t>::min();
    std::string project, machine, source, surface;  // session rows: the largest value, like SQL max()
    std::set<std::string> models;                   // session rows
    std::map<std::string, Acc> by_model;            // --full breakdown
};

void add_row(Acc& acc, const UsageRow& r, const std::string& session_key) {
    Totals& t = acc.totals;
    t.events += r.events;
    auto [session, fresh] = acc.sessions.try_emplace(session_key, Span{r.first_ms, r.last_ms});
    if (!fresh) {
        session->second.first_ms = std::min(session->second.first_ms, r.first_ms);
        session->second.last_ms = std::max(session->second.last_ms, r.last_ms);
    }
    if (acc.users.empty() || acc.last_user != r.user) {
        acc.last_user = r.user;
        acc.users.insert(acc.last_user);
    }
    if (r.machine != acc.last_machine) {
        acc.last_machine = r.machine;
        acc.machines.insert(r.machine);
    }
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

Totals finish(Acc& acc) {
    Totals& t = acc.totals;
    t.sessions = static_cast<std::int64_t>(acc.sessions.size());
    t.users = static_cast<std::int64_t>(acc.users.size());
    t.machines = static_cast<std::int64_t>(acc.machines.size());
    for (const auto& [key, span] : acc.sessions) {
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

struct Aggregator::State {
    Query query;
    bool with_models = false;
    Acc all;
    std::unordered_map<std::string, Acc> groups;
    std::string session_key;
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
    s.session_key.assign(r.source).append("\x1f").append(r.session_id);
    add_row(s.all, r, s.session_key);
    const GroupBy group = s.query.group;
    if (group == GroupBy::none) return;
    if (!s.last_acc || s.last_key != r.key) {
        s.last_key = r.key;
        s.last_acc = &s.groups[s.last_key];
    }
    Acc& acc = *s.last_acc;
    add_row(acc, r, s.session_key);
    if (group == GroupBy::machine) keep_max(acc.machine, r.machine_name);
    if (group == GroupBy::session) {
        keep_max(acc.project, r.project);
        keep_max(acc.machine, r.machine_name);
        keep_max(acc.source, r.source);
        keep_max(acc.surface, r.surface);
        acc.models.emplace(r.model);
    }
    if (s.with_models && group != GroupBy::model) add_row(acc.by_model[std::string(r.model)], r, s.session_key);
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
    for (auto& [key, acc] : s.groups) {
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
                                      acc.last_ms};
        for (auto& [model, m] : acc.by_model) row.models.emplace_back(model, finish(m));
        if (q.group == GroupBy::machine) row.name = acc.machine;
        row.label = q.group == GroupBy::machine ? row.name : row.key;
        report.rows.push_back(std::move(row));
    }
    if (q.group == GroupBy::machine) {
        std::unordered_map<std::string, int> named;
        for (const auto& r : report.rows) ++named[r.name];
        for (auto& r : report.rows)
            if (named[r.name] > 1 && !r.key.empty()) r.label = r.name + " (" + r.key.substr(0, 8) + ")";
    }

    const bool time_bucket = is_time_bucket(q.group);
    auto tokens = [](const Row& r) { return r.totals.total_tokens(); };
    std::sort(report.rows.begin(), report.rows.end(), [&](const Row& a, const Row& b) {
        if (time_bucket) return a.key < b.key;
        if (session_rows) {
            if (a.session->last_ms != b.session->last_ms) return a.session->last_ms > b.session->last_ms;
            return a.key < b.key;
        }
        if (a.totals.cost_micros != b.totals.cost_micros) return a.totals.cost_micros > b.totals.cost_micros;
        if (tokens(a) != tokens(b)) return tokens(a) > tokens(b);
        return a.key < b.key;
    });
    report.row_count = static_cast<std::int64_t>(report.rows.size());
    if (q.limit > 0 || q.offset > 0) {
        auto first =
            std::min<std::size_t>(static_cast<std::size_t>(std::max<std::int64_t>(q.offset, 0)), report.rows.size());
        auto last = q.limit > 0 ? std::min<std::size_t>(first + static_cast<std::size_t>(q.limit), report.rows.size())
                                : report.rows.size();
        report.rows =
            std::vector<Row>(std::make_move_iterator(report.rows.begin() + static_cast<std::ptrdiff_t>(first)),
                             std::make_move_iterator(report.rows.begin() + static_cast<std::ptrdiff_t>(last)));
    }
    return report;
}

}  // namespace usage::detail
