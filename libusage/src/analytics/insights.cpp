// Insights: a few queries through run_query and rules over their rows. The
// thresholds are deliberately coarse (3x a median, 5x for sessions, with a
// floor in dollars or tokens) so that the list names what a person would call
// unusual, not every wobble.
#include "usage/analytics/insights.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace usage {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr double kSpikeRatio = 3.0;
constexpr double kSessionRatio = 5.0;
constexpr std::size_t kMinBaseline = 3;   // buckets or sessions before a median means anything
constexpr std::size_t kDayWindow = 7;     // active days a day is compared with
constexpr std::size_t kHourWindow = 24;   // active hours an hour is compared with
constexpr std::size_t kMostSessions = 5;  // costly sessions listed
constexpr double kCacheDrop = 0.10;       // ten points of cache hit share
constexpr std::int64_t kMinFailures = 5;  // failed requests before a model's share means anything
constexpr double kFailingShare = 0.10;    // of a model's requests

double usd(std::int64_t micros) {
    return static_cast<double>(micros) / 1e6;
}

std::string money(double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "$%.2f", v);
    return buf;
}

std::string tokens_text(double v) {
    char buf[48];
    if (v >= 1e9)
        std::snprintf(buf, sizeof buf, "%.2fB tokens", v / 1e9);
    else if (v >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2fM tokens", v / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.0f tokens", v);
    return buf;
}

std::string ratio_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fx", v);
    return buf;
}

std::string share_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v * 100);
    return buf;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Report query_by(const Store& store, Query q, GroupBy group, bool with_models = false) {
    q.group = group;
    q.limit = 0;
    q.offset = 0;
    return run_query(store, q, with_models);
}

// The rows with an answered call: a bucket holding only failed calls is no
// active day or hour for cost, tokens or the cache (its zeros would pull a
// median down).
Report answered(Report r) {
    std::erase_if(r.rows, [](const Row& row) { return row.totals.events == 0; });
    return r;
}

struct Metric {
    const char* kind;
    double (*value)(const Totals&);
    double floor;  ///< the least excess over the baseline worth a line
    std::string (*text)(double);
};

double cost_of(const Totals& t) {
    return usd(t.cost_micros);
}
double tokens_of(const Totals& t) {
    return static_cast<double>(t.total_tokens());
}
// The share of requests that failed; -1 without requests.
double failed_share(const Totals& t) {
    return t.requests() > 0 ? static_cast<double>(t.failed_requests) / static_cast<double>(t.requests()) : -1;
}
// Rows of a timeseries (in time order) far above the median of the `window`
// active buckets before them.
void spikes(const Report& series, std::size_t window, const Metric& m, const char* before, std::vector<Insight>& out) {
    std::vector<Insight> found;
    for (std::size_t i = kMinBaseline; i < series.rows.size(); ++i) {
        std::vector<double> previous;
        for (std::size_t j = i > window ? i - window : 0; j < i; ++j)
            previous.push_back(m.value(series.rows[j].totals));
        const double base = median(previous);
        const double v = m.value(series.rows[i].totals);
        if (v - base < m.floor || v < kSpikeRatio * base) continue;
        const std::string& key = series.rows[i].key;
        const std::string days = std::to_string(previous.size()) + " active " + before + " before";
        found.push_back({m.kind, key,
                         key + ": " + m.text(v) + ", " +
                             (base > 0 ? ratio_text(v / base) + " the median of the " + days + " (" + m.text(base) + ")"
                                       : "where the median of the " + days + " is " + m.text(0)),
                         v, base});
    }
    std::sort(found.begin(), found.end(),
              [](const Insight& a, const Insight& b) { return a.value - a.baseline > b.value - b.baseline; });
    out.insert(out.end(), found.begin(), found.end());
}

// Days whose share of failed requests is far above the median share of
// the `kDayWindow` active days before them: a count alone would name every
// busy day of a team whose calls fail now and then.
void failing_days(const Report& days, std::vector<Insight>& out) {
    std::vector<Insight> found;
    for (std::size_t i = kMinBaseline; i < days.rows.size(); ++i) {
        const Totals& t = days.rows[i].totals;
        const double v = failed_share(t);
        if (t.failed_requests < kMinFailures || v < kFailingShare) continue;
        std::vector<double> previous;
        for (std::size_t j = i > kDayWindow ? i - kDayWindow : 0; j < i; ++j)
            previous.push_back(std::max(0.0, failed_share(days.rows[j].totals)));
        const double base = median(previous);
        if (v < kSpikeRatio * base) continue;
        const std::string& key = days.rows[i].key;
        const std::string before = std::to_string(previous.size()) + " active days before";
        found.push_back(
            {"day_failures", key,
             key + ": " + std::to_string(t.failed_requests) + " of " + std::to_string(t.requests()) +
                 " requests failed (" + share_text(v) + "), " +
                 (base > 0 ? ratio_text(v / base) + " the median of the " + before + " (" + share_text(base) + ")"
                           : "where the median of the " + before + " is " + share_text(0)),
             v, base});
    }
    std::sort(found.begin(), found.end(),
              [](const Insight& a, const Insight& b) { return a.value - a.baseline > b.value - b.baseline; });
    out.insert(out.end(), found.begin(), found.end());
}

void costly_sessions(const Report& sessions, std::vector<Insight>& out) {
    if (sessions.rows.size() < kMinBaseline) return;
    std::vector<double> costs;
    for (const Row& r : sessions.rows) costs.push_back(cost_of(r.totals));
    const double base = median(costs);
    std::vector<const Row*> rows;
    for (const Row& r : sessions.rows) {
        const double v = cost_of(r.totals);
        if (v >= 1.0 && v >= kSessionRatio * base) rows.push_back(&r);
    }
    std::sort(rows.begin(), rows.end(),
              [](const Row* a, const Row* b) { return a->totals.cost_micros > b->totals.cost_micros; });
    if (rows.size() > kMostSessions) rows.resize(kMostSessions);
    for (const Row* r : rows) {
        const double v = cost_of(r->totals);
        const SessionInfo& s = *r->session;
        out.push_back({"costly_session", r->key,
                       "session " + r->key + " (" + s.source + (s.project.empty() ? "" : ", " + s.project) +
                           "): " + money(v) + ", " + (base > 0 ? ratio_text(v / base) + " " : "") +
                           "the median session (" + money(base) + ")",
                       v, base});
    }
}

double hit_share(const Totals& t) {
    const double prompt = static_cast<double>(t.input_tokens) + static_cast<double>(t.cache_read_tokens) +
                          static_cast<double>(t.cache_write_tokens());
    return prompt > 0 ? static_cast<double>(t.cache_read_tokens) / prompt : -1;
}

void cache_hit_falling(const Report& days, std::vector<Insight>& out) {
    if (days.rows.size() < 2 * kMinBaseline) return;
    const std::size_t recent = std::min(kDayWindow, days.rows.size() / 2);
    Totals last, before;
    auto add = [](Totals& sum, const Totals& t) {
        sum.input_tokens += t.input_tokens;
        sum.cache_read_tokens += t.cache_read_tokens;
        sum.cache_write_5m_tokens += t.cache_write_5m_tokens;
        sum.cache_write_1h_tokens += t.cache_write_1h_tokens;
    };
    const std::size_t n = days.rows.size();
    for (std::size_t i = n - recent; i < n; ++i) add(last, days.rows[i].totals);
    for (std::size_t i = n - 2 * recent; i < n - recent; ++i) add(before, days.rows[i].totals);
    const double now = hit_share(last), was = hit_share(before);
    if (now < 0 || was < 0 || was - now < kCacheDrop) return;
    out.push_back({"cache_hit_falling", days.rows[n - recent].key,
                   "cache hit share fell from " + share_text(was) + " to " + share_text(now) + " (the last " +
                       std::to_string(recent) + " active days against the " + std::to_string(recent) + " before)",
                   now, was});
}

}  // namespace

std::vector<Insight> find_insights(const Store& store, const Query& query, std::int64_t now_ms) {
    std::vector<Insight> out;
    const Metric cost{"day_cost", cost_of, 1.0, money};
    const Metric tokens{"day_tokens", tokens_of, 1e6, tokens_text};
    const Report all_days = query_by(store, query, GroupBy::day);
    const Report days = answered(all_days);
    spikes(days, kDayWindow, cost, "days", out);
    spikes(days, kDayWindow, tokens, "days", out);
    failing_days(all_days, out);

    // Hours: the last 7 days of the range (a day's baseline needs no hours).
    Query recent = query;
    const std::int64_t end = query.range.until_ms.value_or(now_ms);
    recent.range.since_ms = std::max(query.range.since_ms.value_or(end - 7 * kDayMs), end - 7 * kDayMs);
    const Report hours = answered(query_by(store, recent, GroupBy::hour));
    spikes(hours, kHourWindow, Metric{"hour_cost", cost_of, 0.5, money}, "hours", out);
    spikes(hours, kHourWindow, Metric{"hour_tokens", tokens_of, 2.5e5, tokens_text}, "hours", out);

    costly_sessions(query_by(store, query, GroupBy::session), out);

    // New models: first seen (whatever the range, within the filters) in
    // the 7 days before now.
    Query ever = query;
    ever.range = {};
    const Report history = query_by(store, ever, GroupBy::day, true);
    std::vector<std::pair<std::string, std::string>> first_day;  // model, day
    for (const Row& day : history.rows)
        for (const auto& [model, totals] : day.models)
            if (totals.events > 0 &&  // a model named only by failed calls was called before
                std::none_of(first_day.begin(), first_day.end(),
                             [&name = model](const auto& f) { return f.first == name; }))
                first_day.emplace_back(model, day.key);
    const Report models = query_by(store, query, GroupBy::model);
    Query last_week = ever;
    last_week.range.since_ms = now_ms - 7 * kDayMs;
    const Report new_days = query_by(store, last_week, GroupBy::day);
    const std::string week_start = new_days.rows.empty() ? "" : new_days.rows.front().key;
    for (const auto& [model, day] : first_day)
        if (!week_start.empty() && day >= week_start)
            out.push_back({"new_model", model, "model " + model + " first seen on " + day, 0, 0});

    for (const Row& r : models.rows)
        if (r.totals.unpriced_events > 0)
            out.push_back({"unpriced_model", r.key,
                           "model " + r.key + ": " + std::to_string(r.totals.unpriced_events) +
                               (r.totals.unpriced_events == 1 ? " request has no known price and is"
                                                              : " requests have no known price and are") +
                               " not in the cost",
                           static_cast<double>(r.totals.unpriced_events), 0});

    // Models whose calls failed often: a share of their requests, not a count.
    std::vector<Insight> failing;
    for (const Row& r : models.rows) {
        const double share = failed_share(r.totals);
        if (r.totals.failed_requests < kMinFailures || share < kFailingShare) continue;
        failing.push_back({"failing_model", r.key,
                           "model " + (r.key.empty() ? std::string("(unknown)") : r.key) + ": " +
                               std::to_string(r.totals.failed_requests) + " of " + std::to_string(r.totals.requests()) +
                               " requests failed (" + share_text(share) + ")",
                           share, 0});
    }
    std::sort(failing.begin(), failing.end(), [](const Insight& a, const Insight& b) { return a.value > b.value; });
    out.insert(out.end(), failing.begin(), failing.end());

    cache_hit_falling(days, out);
    return out;
}

}  // namespace usage
