#include "goose_db_reader.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <simdjson.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string_view>

#include "goose_totals.hpp"
#include "usage/model/token_limits.hpp"
#include "usage/scan/iso_time.hpp"

namespace usage::plugins::goose {
namespace fs = std::filesystem;

namespace {

// Goose holds its write lock for single statements; the timeout covers WAL
// recovery after a crash.
constexpr int kBusyTimeoutMs = 5000;

// The columns read, in SELECT order.
enum Col { kId, kWorkingDir, kCreated, kUpdated, kInput, kOutput, kTotal, kCost, kProvider, kModelConfig, kCount };
constexpr const char* kColumns[kCount] = {
    "id",
    "working_dir",
    "created_at",
    "updated_at",
    "accumulated_input_tokens",
    "accumulated_output_tokens",
    "accumulated_total_tokens",
    "accumulated_cost",
    "provider_name",
    "model_config_json",
};

std::set<std::string> columns_of(SQLite::Database& db, const char* table) {
    std::set<std::string> names;
    SQLite::Statement st(db, std::string("PRAGMA table_info(") + table + ")");
    while (st.executeStep()) names.insert(st.getColumn(1).getString());
    return names;
}

// A timestamp column: sqlx writes chrono times as RFC 3339 text, SQLite's
// CURRENT_TIMESTAMP default as `YYYY-MM-DD HH:MM:SS` (UTC); a number is
// taken as Unix seconds, or milliseconds when that large.
std::int64_t timestamp_ms(const SQLite::Column& c) {
    if (c.isInteger()) {
        const std::int64_t v = c.getInt64();
        return v > 100'000'000'000 ? v : v * 1000;
    }
    if (c.isText()) return detail::parse_iso8601_ms(c.getString()).value_or(0);
    return 0;
}

// What is wrong with one row's numbers, for InvalidEvents.
struct BadValue {
    const char* field = nullptr;
    std::string value;
    std::string_view rule;
};

// A running token total: an INTEGER in 0..kMaxRunningTokens; NULL reads as 0.
bool read_total(const SQLite::Column& c, const char* field, std::int64_t& out, BadValue& bad) {
    if (c.isNull()) {
        out = 0;
        return true;
    }
    if (c.isInteger() && c.getInt64() >= 0 && c.getInt64() <= kMaxRunningTokens) {
        out = c.getInt64();
        return true;
    }
    bad = {field, c.getString(), kRunningTotalRule};
    return false;
}

// accumulated_cost: a number of USD in 0..kMaxCostMicrosPerCall/1e6; NULL = none.
bool read_cost(const SQLite::Column& c, std::optional<std::int64_t>& out, BadValue& bad) {
    out.reset();
    if (c.isNull()) return true;
    const double usd = c.getDouble();
    if ((c.isFloat() || c.isInteger()) && std::isfinite(usd) && usd >= 0 &&
        usd <= static_cast<double>(kMaxCostMicrosPerCall) / 1e6) {
        out = std::llround(usd * 1e6);
        return true;
    }
    bad = {"accumulated_cost", c.getString(), kCallCostRule};
    return false;
}

// model_config_json's `model_name`; false when the text is not a JSON object.
bool model_name(simdjson::ondemand::parser& parser, const std::string& json, std::string& out) {
    out.clear();
    if (json.empty()) return true;
    simdjson::padded_string text(json);
    simdjson::ondemand::document doc;
    if (parser.iterate(text).get(doc) != simdjson::SUCCESS) return false;
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) return false;
    std::string_view name;
    auto field = obj.find_field_unordered("model_name");
    if (field.error() == simdjson::NO_SUCH_FIELD) return true;
    if (field.get_string().get(name) != simdjson::SUCCESS) {
        bool null = false;
        return field.is_null().get(null) == simdjson::SUCCESS && null;
    }
    out.assign(name);
    return true;
}

std::string last_path_component(std::string_view path) {
    while (!path.empty() && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    const auto cut = path.find_last_of("/\\");
    return std::string(cut == std::string_view::npos ? path : path.substr(cut + 1));
}

}  // namespace

ScanResult scan_sessions_db(const fs::path& path, const std::string& state, std::int64_t fallback_ms) {
    ScanResult out;
    out.state = state;
    try {
        // Read-only, never a checkpoint, never blocks Goose; not immutable:
        // the database is live and its -wal must be honoured.
        SQLite::Database db(path, SQLite::OPEN_READONLY, kBusyTimeoutMs);
        db.exec("PRAGMA query_only = 1");
        const auto have = columns_of(db, "sessions");
        if (have.empty()) return out;  // created but not migrated yet
        if (!have.contains("id") || !have.contains("accumulated_input_tokens") ||
            !have.contains("accumulated_output_tokens"))
            throw std::runtime_error("unknown schema: table sessions lacks id or accumulated_*_tokens");
        std::string sql = "SELECT ";
        for (int i = 0; i < kCount; ++i) {
            if (i) sql += ", ";
            sql += have.contains(kColumns[i]) ? kColumns[i] : "NULL";
        }
        sql += " FROM sessions ORDER BY id";

        SQLite::Transaction snapshot(db);
        SQLite::Statement rows(db, sql);
        const CountedSessions before = parse_state(state);
        CountedSessions after;
        simdjson::ondemand::parser parser;
        std::string model;
        while (rows.executeStep()) {
            const std::string id = rows.getColumn(kId).getString();
            if (!storable_id(id)) {
                ++out.malformed_lines;
                continue;
            }
            out.bytes_read += id.size() + 64;
            Totals now;
            BadValue bad;
            if (!read_total(rows.getColumn(kInput), "accumulated_input_tokens", now.input, bad) ||
                !read_total(rows.getColumn(kOutput), "accumulated_output_tokens", now.output, bad) ||
                !read_total(rows.getColumn(kTotal), "accumulated_total_tokens", now.total, bad) ||
                !read_cost(rows.getColumn(kCost), now.cost_micros, bad)) {
                out.invalid.add(RecordPlace::at_row("session " + id), bad.field, bad.value, bad.rule);
                if (auto it = before.find(id); it != before.end()) after.insert(*it);  // counted as before
                continue;
            }
            const std::int64_t created_ms = timestamp_ms(rows.getColumn(kCreated));
            // A session seen for the first time (or an id Goose reused for a
            // new session) was counted from zero, cost included.
            Counted counted{created_ms, 0, Totals{0, 0, 0, 0}};
            if (auto it = before.find(id); it != before.end() && it->second.created_ms == created_ms)
                counted = it->second;
            const Delta delta = difference(counted.totals, now);
            counted.totals = now;
            if (!delta.empty()) {
                const std::string config = rows.getColumn(kModelConfig).getString();
                out.bytes_read += config.size();
                if (!model_name(parser, config, model)) {
                    ++out.malformed_lines;  // the usage still counts, without a model
                    model.clear();
                }
                std::int64_t at = timestamp_ms(rows.getColumn(kUpdated));
                if (at == 0) at = created_ms ? created_ms : fallback_ms;
                const std::string dir = rows.getColumn(kWorkingDir).getString();
                for (const Delta& part : split_to_call_limit(delta)) {
                    UsageEvent& e = out.events.emplace_back();
                    e.source = "goose";
                    e.id = "goose:" + id + ":" + std::to_string(created_ms) + ":" + std::to_string(++counted.events);
                    e.session_id = id;
                    e.model = model;
                    e.provider = rows.getColumn(kProvider).getString();
                    e.timestamp_ms = at;
                    e.tokens = part.tokens;
                    // A delta of the session's running totals sums the calls
                    // made since the last read: no per-call tier applies.
                    e.aggregate = true;
                    if (part.cost_micros && *part.cost_micros > 0) e.reported_cost_micros = *part.cost_micros;
                    e.project_path = dir;
                    e.project_name = last_path_component(dir);
                }
            }
            after.emplace(id, counted);
        }
        snapshot.commit();  // ends the read transaction; nothing was written
        // Sessions no longer in the table are forgotten: Goose deleted them.
        out.state = to_state(after);
    } catch (const std::runtime_error& e) {  // SQLite::Exception included
        throw std::runtime_error(path.string() + ": " + e.what());
    }
    return out;
}

}  // namespace usage::plugins::goose
