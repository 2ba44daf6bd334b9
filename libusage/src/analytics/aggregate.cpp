// Aggregation in C++ hash maps: SQLite's GROUP BY and COUNT(DISTINCT) sort
// every row through temporary B-trees, which cost several times the scan.
#include "analytics/aggregate.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory_resource>
#include <numeric>
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

    void widen(const Span& other) {
        first_ms = std::min(first_ms, other.first_ms);
        last_ms = std::max(last_ms, other.last_ms);
    }
};

// A vector of seen values is merged in place when it passes its limit,
// which then doubles: memory follows the distinct values (the rows of an
// event scan can be millions), at O(n log n) over the query.
constexpr std::size_t kCompactAt = 4096;

// Everything one group accumulates. Sessions and users are small integer ids
// (interned once per query by the Aggregator) in vectors that finish() sorts
// and merges: a map per group, per hour bucket and per model cost an
// allocation per row and most of a timeseries' time. Everything is allocated
// from the query's arena (see Aggregator::State).
// A value of an Interner; kNone: no row gave one yet (reads as '').
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

struct Acc {
    using allocator_type = std::pmr::polymorphic_allocator<std::byte>;
    explicit Acc(allocator_type a) : sessions(a), users(a), machines(a), models(a), by_model(a) {}

    Totals totals;
    std::pmr::vector<std::pair<std::uint32_t, Span>> sessions;  // by session id, merged in finish()
    std::pmr::vector<std::uint32_t> users;
    std::pmr::vector<std::int64_t> machines;
    // Sizes past which the vectors are merged in place (see keep_bounded()).
    std::size_t sessions_limit = kCompactAt, users_limit = kCompactAt, machines_limit = kCompactAt;
    std::int64_t first_ms = std::numeric_limits<std::int64_t>::max();
    std::int64_t last_ms = std::numeric_limits<std::int64_t>::min();
    // Session rows (and the machine's name of machine rows): the largest
    // value, like SQL max(), and the models, as ids of the Aggregator's
    // interners. Ids keep a group small: at 10M events a sessions page
    // builds 62,000 groups, and their strings were most of its memory.
    std::uint32_t project = kNone, machine = kNone, source = kNone, surface = kNone;
    std::pmr::vector<std::uint32_t> models;
    std::pmr::map<std::pmr::string, Acc, std::less<>> by_model;  // --full breakdown
};

// Sorted, each value once.
template <typename T>
void compact(std::pmr::vector<T>& seen) {
    if (!std::is_sorted(seen.begin(), seen.end())) std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
}

// Sorted by session id, each session once with its first and last time.
void compact(std::pmr::vector<std::pair<std::uint32_t, Span>>& sessions) {
    auto by_id = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(sessions.begin(), sessions.end(), by_id)) std::sort(sessions.begin(), sessions.end(), by_id);
    std::size_t out = 0;
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        if (out > 0 && sessions[out - 1].first == sessions[i].first) {
            sessions[out - 1].second.widen(sessions[i].second);
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
void note(std::pmr::vector<T>& seen, T value, std::size_t& limit) {
    if (!seen.empty() && seen.back() == value) return;
    seen.push_back(value);
    keep_bounded(seen, limit);
}

// A row's events, tokens, costs and time (not its session, user or machine).
void add_sums(Acc& acc, const UsageRow& r) {
    Totals& t = acc.totals;
    t.events += r.events;
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

void add_row(Acc& acc, const UsageRow& r, std::uint32_t session, std::uint32_t user) {
    add_sums(acc, r);
    const Span row{r.first_ms, r.last_ms};
    if (!acc.sessions.empty() && acc.sessions.back().first == session) {
        acc.sessions.back().second.widen(row);
    } else {
        acc.sessions.emplace_back(session, row);
        keep_bounded(acc.sessions, acc.sessions_limit);
    }
    note(acc.users, user, acc.users_limit);
    note(acc.machines, r.machine, acc.machines_limit);
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
// session and one user, which then cost two comparisons. Open addressing
// over a flat array of (hash tag, id) slots, the strings in one buffer: a
// node-based map cost two cache misses per row of a 62,000-session page.
class Interner {
public:
    explicit Interner(std::pmr::memory_resource* arena)
        : slots_(16, 0, arena), hashes_(arena), ends_(arena), blob_(arena), key_(arena) {}

    std::uint32_t id(std::string_view a, std::string_view b = {}) {
        if (!ends_.empty() && a == last_a_ && b == last_b_) return last_id_;
        last_a_.assign(a);
        last_b_.assign(b);
        key_.assign(a);
        if (!b.empty()) key_.append("\x1f").append(b);
        last_id_ = find_or_add(key_);
        return last_id_;
    }
    /// The id of a string interned before; kNone if it was not.
    [[nodiscard]] std::uint32_t find(std::string_view key) const {
        const std::size_t i = probe(key, std::hash<std::string_view>{}(key));
        return slots_[i] == 0 ? kNone : static_cast<std::uint32_t>(slots_[i] - 1);
    }
    [[nodiscard]] std::size_t size() const { return ends_.size(); }
    /// The string of an id of one string (kNone: ''). Valid until the next id().
    [[nodiscard]] std::string_view text(std::uint32_t id) const {
        if (id == kNone) return {};
        const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
        return std::string_view(blob_).substr(begin, ends_[id] - begin);
    }

private:
    // A slot: the hash's high 32 bits, then id + 1 (0: empty).
    static std::uint64_t slot(std::uint64_t hash, std::uint32_t id) { return (hash & ~0xffffffffULL) | (id + 1ULL); }

    // The slot holding `key`, or the empty slot where it would go.
    [[nodiscard]] std::size_t probe(std::string_view key, std::uint64_t hash) const {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = hash & mask;
        while (slots_[i] != 0 &&
               ((slots_[i] ^ hash) >> 32 != 0 || text(static_cast<std::uint32_t>(slots_[i] - 1)) != key))
            i = (i + 1) & mask;
        return i;
    }

    std::uint32_t find_or_add(std::string_view key) {
        const std::uint64_t hash = std::hash<std::string_view>{}(key);
        const std::size_t i = probe(key, hash);
        if (slots_[i] != 0) return static_cast<std::uint32_t>(slots_[i] - 1);
        const auto added = static_cast<std::uint32_t>(ends_.size());
        blob_.append(key);
        ends_.push_back(blob_.size());
        hashes_.push_back(hash);
        slots_[i] = slot(hash, added);
        if (2 * ends_.size() > slots_.size()) grow();
        return added;
    }

    void grow() {
        std::fill(slots_.begin(), slots_.end(), 0);
        slots_.resize(2 * slots_.size(), 0);
        const std::size_t mask = slots_.size() - 1;
        for (std::uint32_t id = 0; id < hashes_.size(); ++id) {
            std::size_t i = hashes_[id] & mask;
            while (slots_[i] != 0) i = (i + 1) & mask;
            slots_[i] = slot(hashes_[id], id);
        }
    }

    std::pmr::vector<std::uint64_t> slots_;   // a power of two, at most half full
    std::pmr::vector<std::uint64_t> hashes_;  // by id: for grow()
    std::pmr::vector<std::size_t> ends_;      // by id: where its string ends in blob_
    std::pmr::string blob_;
    std::string last_a_, last_b_;
    std::pmr::string key_;
    std::uint32_t last_id_ = 0;
};

// `mine` becomes `theirs` when its string sorts after (or nothing was kept).
void keep_max(std::uint32_t& mine, std::uint32_t theirs, const Interner& names) {
    if (mine == kNone || (theirs != mine && names.text(mine) < names.text(theirs))) mine = theirs;
}

// Every allocation of a query's aggregation comes from one arena and is
// given back at once with it: a sessions page at 10M events builds 62,000
// groups, and freeing their nodes one by one (with glibc consolidating its
// free lists on the way) took a quarter of the query.
struct Aggregator::State {
    std::pmr::monotonic_buffer_resource arena{std::size_t{1} << 16};
    Query query;
    bool with_models = false;
    Acc all{&arena};
    Interner group_keys{&arena};
    std::pmr::deque<Acc> groups{&arena};  // by group key id
    Interner sessions{&arena}, users{&arena};
    Interner projects{&arena}, machine_names{&arena}, sources{&arena}, surfaces{&arena}, models{&arena};
    // Session rows: each interned session's group id, found by its key once
    // (a session's rows come in many runs: one per day and model).
    std::pmr::vector<std::uint32_t> session_groups{&arena};
    // The totals' sessions, by interned id (dense: no vector of pairs to
    // grow, sort and merge over every row of the query), and so their count;
    // the users' count is the user interner's size.
    std::vector<Span> session_spans;

    // The id of a group key; a new key gets its accumulator.
    std::uint32_t group_id(std::string_view key) {
        const std::uint32_t id = group_keys.id(key);
        if (id == groups.size()) groups.emplace_back();
        return id;
    }
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
        add_sums(s.all, r);
        const Span row{r.first_ms, r.last_ms};
        if (session == s.session_spans.size())
            s.session_spans.push_back(row);
        else
            s.session_spans[session].widen(row);
        note(s.all.machines, r.machine, s.all.machines_limit);
    }
    const GroupBy group = s.query.group;
    if (group == GroupBy::none) return;
    Acc* found = nullptr;
    if (group != GroupBy::session) {
        found = &s.groups[s.group_id(r.key)];
    } else if (failures) {
        // A session row is a session counted: one whose calls all failed is
        // none (nor in Totals::sessions). Failure rows come after every event
        // (run_query reads them last), so its group exists if it ever will.
        const std::uint32_t id = s.group_keys.find(r.key);
        if (id == kNone) return;
        found = &s.groups[id];
    } else {
        if (session >= s.session_groups.size()) s.session_groups.resize(std::size_t{session} + 1, kNone);
        std::uint32_t& id = s.session_groups[session];
        if (id == kNone) id = s.group_id(r.key);
        found = &s.groups[id];
    }
    Acc& acc = *found;
    failures ? add_failures(acc, r) : add_row(acc, r, session, user);
    if (group == GroupBy::machine) keep_max(acc.machine, s.machine_names.id(r.machine_name), s.machine_names);
    if (group == GroupBy::session) {
        keep_max(acc.project, s.projects.id(r.project), s.projects);
        keep_max(acc.machine, s.machine_names.id(r.machine_name), s.machine_names);
        keep_max(acc.source, s.sources.id(r.source), s.sources);
        keep_max(acc.surface, s.surfaces.id(r.surface), s.surfaces);
        if (!failures) {  // a failed call's model is a guess
            const std::uint32_t model = s.models.id(r.model);
            if (std::find(acc.models.begin(), acc.models.end(), model) == acc.models.end()) acc.models.push_back(model);
        }
    }
    if (s.with_models && group != GroupBy::model) {
        auto it = acc.by_model.find(r.model);
        if (it == acc.by_model.end())
            it = acc.by_model.emplace(std::piecewise_construct, std::forward_as_tuple(r.model), std::tuple<>()).first;
        failures ? add_failures(it->second, r) : add_row(it->second, r, session, user);
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
    s.all.sessions.reserve(s.session_spans.size());
    for (std::uint32_t id = 0; id < s.session_spans.size(); ++id) s.all.sessions.emplace_back(id, s.session_spans[id]);
    s.all.users.resize(s.users.size());
    std::iota(s.all.users.begin(), s.all.users.end(), std::uint32_t{0});
    report.totals = finish(s.all);

    // Sorted and paged before any Row is built: a sessions page at 10M
    // events is 50 rows of 62,000 groups, and building every row (its
    // strings, its session's models) cost most of the query. The sort keys
    // (a key, the last time, cost and tokens) are all known before finish().
    std::vector<std::uint32_t> order(s.groups.size());
    std::iota(order.begin(), order.end(), std::uint32_t{0});
    const bool time_bucket = is_time_bucket(q.group);
    auto tokens = [](const Acc& a) { return a.totals.total_tokens(); };
    auto key = [&s](std::uint32_t id) { return s.group_keys.text(id); };
    report.row_count = static_cast<std::int64_t>(order.size());
    const auto first =
        std::min<std::size_t>(static_cast<std::size_t>(std::max<std::int64_t>(q.offset, 0)), order.size());
    const auto last =
        q.limit > 0 ? std::min<std::size_t>(first + static_cast<std::size_t>(q.limit), order.size()) : order.size();
    // Only the rows up to the page's end are put in order: a page of 50
    // sessions of 62,000 need not sort the rest.
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(last), order.end(),
                      [&](std::uint32_t ia, std::uint32_t ib) {
                          const Acc& a = s.groups[ia];
                          const Acc& b = s.groups[ib];
                          if (time_bucket) return key(ia) < key(ib);
                          if (session_rows) {
                              if (a.last_ms != b.last_ms) return a.last_ms > b.last_ms;
                              return key(ia) < key(ib);
                          }
                          if (a.totals.cost_micros != b.totals.cost_micros)
                              return a.totals.cost_micros > b.totals.cost_micros;
                          if (tokens(a) != tokens(b)) return tokens(a) > tokens(b);
                          return key(ia) < key(ib);
                      });

    // Machine rows: a name two machines share gets the short id, whichever page they are on.
    std::unordered_map<std::string_view, int> named;
    if (q.group == GroupBy::machine)
        for (const Acc& g : s.groups) ++named[s.machine_names.text(g.machine)];
    for (std::size_t i = first; i < last; ++i) {
        Acc& acc = s.groups[order[i]];
        Row row;
        row.key = std::string(key(order[i]));
        row.totals = finish(acc);
        if (session_rows) {
            std::vector<std::string> models;
            for (const std::uint32_t model : acc.models) models.emplace_back(s.models.text(model));
            std::sort(models.begin(), models.end());
            row.session = SessionInfo{std::string(s.projects.text(acc.project)),
                                      std::string(s.machine_names.text(acc.machine)),
                                      std::string(s.sources.text(acc.source)),
                                      std::string(s.surfaces.text(acc.surface)),
                                      std::move(models),
                                      acc.first_ms,
                                      acc.last_ms,
                                      std::nullopt};
        }
        for (auto& [model, m] : acc.by_model) row.models.emplace_back(std::string(model), finish(m));
        row.label = row.key;
        if (q.group == GroupBy::machine) {
            row.name = std::string(s.machine_names.text(acc.machine));
            row.label =
                named[row.name] > 1 && !row.key.empty() ? row.name + " (" + row.key.substr(0, 8) + ")" : row.name;
        }
        report.rows.push_back(std::move(row));
    }
    return report;
}

}  // namespace usage::detail
