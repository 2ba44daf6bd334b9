// run_query's rows from PostgreSQL: one statement per table and interval,
// read through a cursor in pages (flat memory over millions of events), in
// one REPEATABLE READ snapshot. Time-bucket keys are computed here in C++ by
// the same function as for SQLite (time_zone.hpp), not by date_trunc(... AT
// TIME ZONE ...): both backends then bucket by the one tz database the
// library ships with, and give the same answer to the millisecond.
#include <charconv>
#include <string>
#include <vector>

#include "analytics/time_zone.hpp"
#include "store/postgres/pg_backend.hpp"
#include "store/postgres/pg_transaction.hpp"

namespace usage::pg {
namespace {

// Small enough that the first page arrives soon and the server's work
// overlaps the reader's (see read()); large enough that round trips are few.
constexpr int kPage = 5000;

// The descriptive columns a query's rows need (usage::detail::row_needs),
// selected after a statement's own columns, and each field's offset among
// them; -1: not selected, the field stays empty. The server formats every
// column of every row, most of its time on a report: a summary selects 5 of
// them, not 9, and no key.
struct Descriptive {
    std::string sql;
    int count = 0;
    int source = -1, session_id = -1, model = -1, user = -1, machine = -1;
    int project = -1, surface = -1;
    int key = -1;  // -1: '' (no grouping), or a time bucket from the row's time
};

Descriptive descriptive(const Query& q) {
    Descriptive d;
    auto add = [&d](int& slot, const char* expr) {
        if (d.count > 0) d.sql += ", ";
        d.sql += expr;
        slot = d.count++;
    };
    add(d.source, "e.source");
    add(d.session_id, "e.session_id");
    add(d.model, "e.model");
    add(d.user, "e.user_name");
    add(d.machine, "e.machine");
    const auto needs = usage::detail::row_needs(q);
    if (needs.session_fields) {
        add(d.project, "e.project_name");
        add(d.surface, "e.surface");
    }
    switch (q.group) {
        case GroupBy::source: d.key = d.source; break;
        case GroupBy::model: d.key = d.model; break;
        case GroupBy::user: d.key = d.user; break;
        case GroupBy::session: d.key = d.session_id; break;
        case GroupBy::project:
            if (d.project >= 0)
                d.key = d.project;
            else
                add(d.key, "e.project_name");
            break;
        case GroupBy::machine: break;  // the machine's id, from KnownMachines
        case GroupBy::repository: add(d.key, "e.repository"); break;
        default: break;
    }
    return d;
}

// A numeric sum as int64; false when it does not fit.
bool fits(std::string_view text, std::int64_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

class PgUsageReader final : public usage::detail::UsageReader {
public:
    PgUsageReader(const PgBackend& backend, const Query& query, const date::time_zone* tz)
        : lease_(backend.lease()),
          snapshot_(*lease_, Isolation::repeatable_read),
          query_(query),
          keys_(tz, usage::detail::bucket_kind(query.group)),
          bucketed_(usage::detail::is_time_bucket(query.group)),
          columns_(descriptive(query)) {
        const auto needs = usage::detail::row_needs(query);
        if (needs.machine_name) {
            name_machines_ = true;
            const Result r = lease_->exec("SELECT key, id, coalesce(name, id, '') FROM machines");
            for (int i = 0; i < r.rows(); ++i) machines_.add(r.int64(i, 0), r.string(i, 1), r.string(i, 2));
        }
    }

    void events(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                const usage::detail::RowSink& sink) override {
        usage::detail::UsageRow r;
        r.events = 1;
        read(0, from, to, [&](const Result& res, int i) {
            r.input = res.int64(i, 0);
            r.output = res.int64(i, 1);
            r.reasoning = res.int64(i, 2);
            r.cache_read = res.int64(i, 3);
            r.cache_write_5m = res.int64(i, 4);
            r.cache_write_1h = res.int64(i, 5);
            usage::detail::set_event_cost(r, static_cast<CostOrigin>(res.int64(i, 6)), res.int64(i, 7));
            r.first_ms = r.last_ms = res.int64(i, 8);
            describe(res, i, 9, r.first_ms, r);
            sink(r);
            return true;
        });
    }

    bool rollup(usage::detail::RollupLevel level, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                const usage::detail::RowSink& sink) override {
        usage::detail::UsageRow r;
        const auto sums = usage::detail::rollup_sums(r);
        return read(level == usage::detail::RollupLevel::day ? 2 : 1, from, to, [&](const Result& res, int i) {
            for (int k = 0; k < 13; ++k)
                if (!fits(res.text(i, k), *sums[static_cast<std::size_t>(k)])) return false;  // a sum past 64 bits
            // The hour or day is selected (after the sums) for time buckets only.
            if (bucketed_)
                describe(res, i, 14, res.int64(i, 13), r);
            else
                describe(res, i, 13, 0, r);
            sink(r);
            return true;
        });
    }

    void failures(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                  const usage::detail::RowSink& sink) override {
        usage::detail::UsageRow r;
        r.events = 0;
        r.failed = 1;
        read(3, from, to, [&](const Result& res, int i) {
            r.first_ms = r.last_ms = res.int64(i, 0);
            describe(res, i, 1, r.first_ms, r);
            sink(r);
            return true;
        });
    }

    std::optional<std::pair<std::int64_t, std::int64_t>> rollup_hours() override {
        const Result r =
            lease_->exec("SELECT (SELECT min(hour_ms) FROM usage_rollup), (SELECT max(hour_ms) FROM usage_rollup)");
        if (r.is_null(0, 0)) return std::nullopt;
        return std::make_pair(r.int64(0, 0), r.int64(0, 1));
    }

private:
    // The row's descriptive columns from `first` (columns_), and its key.
    void describe(const Result& res, int i, int first, std::int64_t time_ms, usage::detail::UsageRow& r) {
        const Descriptive& d = columns_;
        auto text = [&](int at) { return at < 0 ? std::string_view() : res.text(i, first + at); };
        r.source = text(d.source);
        r.session_id = text(d.session_id);
        r.model = text(d.model);
        r.user = text(d.user);
        r.machine = res.int64(i, first + d.machine);
        r.project = text(d.project);
        r.surface = text(d.surface);
        r.key = bucketed_ ? keys_(time_ms) : text(d.key);
        if (name_machines_) machines_.describe(r, query_.group);
    }

    // Runs the statement for a table (0 events, 1 hourly rollup, 2 daily, 3
    // failed calls) and interval; `row` returns false to stop (read then
    // returns false).
    template <typename RowFn>
    bool read(int table, std::optional<std::int64_t> from, std::optional<std::int64_t> to, RowFn&& row) {
        const bool rollup = table == 1 || table == 2;
        std::vector<Param> params;
        auto param = [&](Param p) {
            params.push_back(std::move(p));
            std::string placeholder = "$";  // appended: GCC 12 -O3 -Wrestrict (bug 105329) on "$" + string
            placeholder += std::to_string(params.size());
            return placeholder;
        };
        const std::string time = table == 1 ? "e.hour_ms" : table == 2 ? "e.day_ms" : "e.ts_ms";
        std::string sql = "DECLARE usage_rows NO SCROLL CURSOR FOR SELECT ";
        if (table == 3)
            sql += "e.ts_ms, ";  // a failed call has nothing else to add up
        else if (rollup)
            sql += std::string(
                       "e.events, e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
                       "e.cost_micros, e.reported_micros, e.estimated_micros, e.unpriced_events, e.first_ms, "
                       "e.last_ms, ") +
                   (bucketed_ ? time + ", " : "");
        else
            sql +=
                "e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
                "e.cost_origin, coalesce(e.cost_micros, 0), e.ts_ms, ";
        const auto needs = usage::detail::row_needs(query_);
        sql += columns_.sql;
        sql += table == 1 ? " FROM usage_rollup e" : table == 2 ? " FROM usage_rollup_day e" : " FROM events e";
        if (needs.machines) sql += " LEFT JOIN machines m ON m.key = e.machine";
        sql += " WHERE ";
        // Failed calls through their own index (events_failed).
        sql += rollup       ? "true"
               : table == 0 ? "NOT e.superseded AND e.failure = ''"
                            : "e.failure <> '' AND NOT e.superseded";
        if (from) sql += " AND " + time + " >= " + param(*from);
        if (to) sql += " AND " + time + " < " + param(*to);
        const Filters& f = query_.filters;
        if (!f.source.empty()) sql += " AND e.source = " + param(f.source);
        if (!f.model.empty()) sql += " AND strpos(lower(e.model), lower(" + param(f.model) + ")) > 0";
        if (!f.project.empty()) sql += " AND e.project_name = " + param(f.project);
        if (!f.machine.empty()) {
            const std::string p = param(f.machine);
            sql += " AND (m.id = " + p + " OR m.name = " + p + " OR (length(" + p + ") = 8 AND left(m.id, 8) = " + p +
                   "))";
        }
        if (!f.user.empty()) sql += " AND e.user_name = " + param(f.user);
        if (!f.repository.empty()) sql += " AND e.repository = " + param(f.repository);
        lease_->exec(sql, params);
        // The next page is asked for before this one is read: the server
        // produces it meanwhile (on another core), and a report over many
        // rows takes about the longer of the two times, not their sum.
        const std::string fetch = "FETCH " + std::to_string(kPage) + " FROM usage_rows";
        lease_->send(fetch);
        bool complete = true;
        for (bool more = true; more;) {
            const Result page = lease_->receive();
            more = page.rows() == kPage && complete;
            if (more) lease_->send(fetch);
            for (int i = 0; i < page.rows() && complete; ++i) complete = row(page, i);
            if (!complete && more) {
                (void)lease_->receive();  // the page asked for ahead, not needed
                more = false;
            }
        }
        lease_->exec("CLOSE usage_rows");
        return complete;
    }

    Lease lease_;
    Transaction snapshot_;  // after lease_: rolled back before the connection goes back
    Query query_;
    usage::detail::BucketKeys keys_;
    bool bucketed_;
    Descriptive columns_;
    bool name_machines_ = false;  // row_needs: machine names (and ids as keys) from machines_
    usage::detail::KnownMachines machines_;
};

}  // namespace

std::unique_ptr<usage::detail::UsageReader> PgBackend::reader(const Query& query, const date::time_zone* tz) const {
    return std::make_unique<PgUsageReader>(*this, query, tz);
}

}  // namespace usage::pg
