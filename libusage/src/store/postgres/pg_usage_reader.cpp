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

// The group key column, or '' for time groupings (bucketed in C++).
const char* key_sql(GroupBy g) {
    switch (g) {
        case GroupBy::source: return "e.source";
        case GroupBy::model: return "e.model";
        case GroupBy::project: return "e.project_name";
        case GroupBy::machine: return "coalesce(m.id, '')";
        case GroupBy::user: return "e.user_name";
        case GroupBy::repository: return "e.repository";
        case GroupBy::session: return "e.session_id";
        default: return "''";
    }
}

// The descriptive columns, in the order describe() reads them; '' for the
// ones the query does not need (usage::detail::row_needs), which on a quarter
// of a team's data halves the bytes sent; a name needed without the join
// with machines comes from MachineNames.
std::string descriptive_sql(const usage::detail::RowNeeds& needs) {
    return std::string("e.source, e.session_id, e.model, ") + (needs.session_fields ? "e.project_name" : "''") + ", " +
           (needs.machine_name && needs.machines ? "coalesce(m.name, m.id, '')" : "''") + ", " +
           (needs.session_fields ? "e.surface" : "''") + ", e.user_name, e.machine";
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
          bucketed_(usage::detail::is_time_bucket(query.group)) {
        const auto needs = usage::detail::row_needs(query);
        if (needs.machine_name && !needs.machines) {
            name_machines_ = true;
            const Result r = lease_->exec("SELECT key, coalesce(name, id, '') FROM machines");
            for (int i = 0; i < r.rows(); ++i) machine_names_.add(r.int64(i, 0), r.string(i, 1));
        }
    }

    void events(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                const usage::detail::RowSink& sink) override {
        usage::detail::UsageRow r;
        r.events = 1;
        read(0, from, to, [&](const Result& res, int i) {
            r.input = res.int64(i, 1);
            r.output = res.int64(i, 2);
            r.reasoning = res.int64(i, 3);
            r.cache_read = res.int64(i, 4);
            r.cache_write_5m = res.int64(i, 5);
            r.cache_write_1h = res.int64(i, 6);
            usage::detail::set_event_cost(r, static_cast<CostOrigin>(res.int64(i, 7)), res.int64(i, 8));
            r.first_ms = r.last_ms = res.int64(i, 9);
            describe(res, i, 10, r.first_ms, r);
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
                if (!fits(res.text(i, k + 1), *sums[static_cast<std::size_t>(k)])) return false;  // a sum past 64 bits
            describe(res, i, 15, res.int64(i, 14), r);
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
            r.first_ms = r.last_ms = res.int64(i, 1);
            describe(res, i, 2, r.first_ms, r);
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
    // The row's descriptive columns from `first`, and its key.
    void describe(const Result& res, int i, int first, std::int64_t time_ms, usage::detail::UsageRow& r) {
        r.key = bucketed_ ? keys_(time_ms) : res.text(i, 0);
        r.source = res.text(i, first);
        r.session_id = res.text(i, first + 1);
        r.model = res.text(i, first + 2);
        r.project = res.text(i, first + 3);
        r.machine_name = res.text(i, first + 4);
        r.surface = res.text(i, first + 5);
        r.user = res.text(i, first + 6);
        r.machine = res.int64(i, first + 7);
        if (name_machines_) r.machine_name = machine_names_(r.machine);
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
        std::string sql = std::string("DECLARE usage_rows NO SCROLL CURSOR FOR SELECT ") + key_sql(query_.group) + ", ";
        if (table == 3)
            sql += "e.ts_ms, ";  // a failed call has nothing else to add up
        else if (rollup)
            sql +=
                "e.events, e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
                "e.cost_micros, e.reported_micros, e.estimated_micros, e.unpriced_events, e.first_ms, e.last_ms, " +
                time + ", ";
        else
            sql +=
                "e.input, e.output, e.reasoning, e.cache_read, e.cache_write_5m, e.cache_write_1h, "
                "e.cost_origin, coalesce(e.cost_micros, 0), e.ts_ms, ";
        const auto needs = usage::detail::row_needs(query_);
        sql += descriptive_sql(needs);
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
    bool name_machines_ = false;  // names from machine_names_, not a join (row_needs)
    usage::detail::MachineNames machine_names_;
};

}  // namespace

std::unique_ptr<usage::detail::UsageReader> PgBackend::reader(const Query& query, const date::time_zone* tz) const {
    return std::make_unique<PgUsageReader>(*this, query, tz);
}

}  // namespace usage::pg
