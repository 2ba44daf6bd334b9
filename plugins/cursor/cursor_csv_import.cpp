#include "cursor_csv_import.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <variant>

#include "csv_reader.hpp"
#include "cursor_models.hpp"
#include "usage/model/token_limits.hpp"
#include "usage/scan/iso_time.hpp"

namespace usage::plugins::cursor {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// Column positions, looked up by header name (case-insensitive, trimmed).
struct Columns {
    static constexpr std::array<std::string_view, 6> kRequired = {
        "Date", "Model", "Input (w/ Cache Write)", "Input (w/o Cache Write)", "Cache Read", "Output Tokens"};
    std::array<std::size_t, 6> required{};  // same order as kRequired
    std::optional<std::size_t> kind, total, cost;
    std::size_t count = 0;

    static std::optional<std::size_t> find(const std::vector<std::string>& header, std::string_view name) {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (iequals(trim(header[i]), name)) return i;
        return std::nullopt;
    }

    Columns(const std::vector<std::string>& header, const std::filesystem::path& file, std::size_t line) {
        for (std::size_t i = 0; i < kRequired.size(); ++i) {
            auto at = find(header, kRequired[i]);
            if (!at)
                throw std::runtime_error(file.string() + ":" + std::to_string(line) + ": not a Cursor usage export: " +
                                         "missing column '" + std::string(kRequired[i]) + "'");
            required[i] = *at;
        }
        kind = find(header, "Kind");
        total = find(header, "Total Tokens");
        cost = find(header, "Cost");
        count = header.size();
    }
};

// A token count (usage/model/token_limits.hpp): digits with optional thousands
// separators, at most `max`; empty = 0. Anything else (a sign, a decimal
// point, an exponent, text) is nullopt.
std::optional<std::int64_t> parse_count(std::string_view s, std::int64_t max = kMaxTokensPerCall) {
    s = trim(s);
    std::int64_t v = 0;
    bool digit = false;
    for (char c : s) {
        if (c == ',') continue;
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
        if (v > max) return std::nullopt;
        digit = true;
    }
    if (!digit && !s.empty()) return std::nullopt;
    return v;
}

// A USD amount (`0.19`, `$1,234.50`) in micro-dollars, rounded half up;
// nullopt when the cell is not a number (`Included`, `-`, empty).
std::optional<std::int64_t> parse_cost_micros(std::string_view s) {
    s = trim(s);
    if (s.starts_with('$')) s.remove_prefix(1);
    std::int64_t whole = 0, frac = 0;
    int frac_digits = 0, whole_digits = 0;
    bool round_up = false, dot = false;
    for (char c : s) {
        if (c == ',' && !dot) continue;
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        if (!dot) {
            if (++whole_digits > 12) return std::nullopt;
            whole = whole * 10 + (c - '0');
        } else if (frac_digits < 6) {
            frac = frac * 10 + (c - '0');
            ++frac_digits;
        } else if (frac_digits++ == 6) {
            round_up = c >= '5';
        }
    }
    if (whole_digits == 0 && frac_digits == 0) return std::nullopt;
    for (int i = std::min(frac_digits, 6); i < 6; ++i) frac *= 10;
    return whole * 1'000'000 + frac + (round_up ? 1 : 0);
}

// The row's time and the span it stands for: an exact time covers itself; a
// date-only row (old exports) is placed at noon UTC and covers its UTC day.
struct RowTime {
    std::int64_t at = 0, from = 0, to = 0;
};

std::optional<RowTime> parse_row_time(std::string_view s) {
    s = trim(s);
    if (s.size() == 10) {
        auto noon = detail::parse_iso8601_ms(std::string(s) + "T12:00:00Z");
        if (!noon) return std::nullopt;
        const std::int64_t day = *noon - kDayMs / 2;
        return RowTime{*noon, day, day + kDayMs - 1};
    }
    auto ms = detail::parse_iso8601_ms(s);
    if (!ms) return std::nullopt;
    return RowTime{*ms, *ms, *ms};
}

struct Row {
    RowTime time;
    std::string model;
    TokenCounts tokens;
    std::optional<std::int64_t> cost_micros;
};

bool not_charged(std::string_view kind) {
    // `Errored, Not Charged`, `Aborted, Not Charged`: Cursor billed nothing.
    std::string lower(kind);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("not charged") != std::string::npos;
}

// A row that is not one usable event: malformed (its shape or time), or
// invalid (a count or the cost breaks the rule of usage/model/token_limits.hpp).
struct BadRow {
    bool invalid = false;
    std::string field, value;
    std::string_view rule;
};

std::variant<Row, BadRow> parse_row(const CsvRecord& rec, const Columns& cols) {
    if (!rec.well_formed || rec.fields.size() != cols.count) return BadRow{};
    const auto& f = rec.fields;
    Row row;
    auto time = parse_row_time(f[cols.required[0]]);
    if (!time) return BadRow{};
    row.time = *time;
    row.model = std::string(trim(f[cols.required[1]]));
    std::int64_t* into[] = {
        nullptr, nullptr, &row.tokens.cache_write_5m, &row.tokens.input, &row.tokens.cache_read, &row.tokens.output};
    for (std::size_t i = 2; i < Columns::kRequired.size(); ++i) {
        const std::string& cell = f[cols.required[i]];
        auto n = parse_count(cell);
        if (!n) return BadRow{true, "column '" + std::string(Columns::kRequired[i]) + "'", cell, kTokenCountRule};
        *into[i] = *n;
    }
    if (cols.total && !trim(f[*cols.total]).empty()) {
        const std::string& cell = f[*cols.total];
        auto total = parse_count(cell, 4 * kMaxTokensPerCall);
        if (!total) return BadRow{true, "column 'Total Tokens'", cell, kTokenCountRule};
        if (*total != row.tokens.total()) return BadRow{};
    }
    if (cols.cost) {
        row.cost_micros = parse_cost_micros(f[*cols.cost]);
        if (row.cost_micros && *row.cost_micros > kMaxCostMicrosPerCall)
            return BadRow{true, "column 'Cost'", f[*cols.cost], kCallCostRule};
    }
    if (!row.cost_micros && cols.kind && not_charged(f[*cols.kind])) row.cost_micros = 0;
    return row;
}

std::string read_all(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw std::runtime_error(file.string() + ": read error");
    return std::move(text).str();
}

UsageEvent make_event(const Row& row, std::size_t nth) {
    UsageEvent e;
    e.id = "cursor:csv:" + std::to_string(row.time.at) + ":" + row.model + ":" + std::to_string(nth);
    e.source = "cursor";
    e.model = row.model;
    auto mapped = map_cursor_model(row.model);
    e.pricing_model = std::move(mapped.pricing_model);
    e.provider = std::move(mapped.provider);
    e.timestamp_ms = row.time.at;
    e.tokens = row.tokens;
    e.reported_cost_micros = row.cost_micros;
    return e;
}

}  // namespace

ScanResult import_cursor_csv(const std::filesystem::path& file) {
    const std::string text = read_all(file);
    CsvReader reader(text);
    CsvRecord rec;
    if (!reader.next(rec)) throw std::runtime_error(file.string() + ": empty file, expected a Cursor usage export");
    const Columns cols(rec.fields, file, rec.line);

    ScanResult result;
    result.bytes_read = text.size();
    std::vector<Row> rows;
    while (reader.next(rec)) {
        auto parsed = parse_row(rec, cols);
        if (auto* bad = std::get_if<BadRow>(&parsed)) {
            if (bad->invalid)
                result.invalid.add(RecordPlace::at_line(rec.line), bad->field, bad->value, bad->rule);
            else
                ++result.malformed_lines;
            continue;
        }
        auto* row = &std::get<Row>(parsed);
        if (!result.covers) result.covers = ScanResult::Coverage{row->time.from, row->time.to};
        result.covers->from_ms = std::min(result.covers->from_ms, row->time.from);
        result.covers->to_ms = std::max(result.covers->to_ms, row->time.to);
        // Errored calls with nothing counted and nothing billed are not usage.
        if (row->tokens.total() == 0 && row->cost_micros.value_or(0) == 0) continue;
        rows.push_back(std::move(*row));
    }

    // Ids: time + model + rank among the rows sharing both. Ranking by content
    // (not file position) keeps ids stable across re-exports that list the
    // same rows in another order or overlap a later export.
    auto content = [](const Row& r) {
        return std::make_tuple(r.tokens.input, r.tokens.output, r.tokens.cache_read, r.tokens.cache_write_5m,
                               r.cost_micros.value_or(-1));
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        if (a.time.at != b.time.at) return a.time.at < b.time.at;
        if (a.model != b.model) return a.model < b.model;
        return content(a) < content(b);
    });
    result.events.reserve(rows.size());
    for (std::size_t i = 0, nth = 0; i < rows.size(); ++i) {
        nth = (i > 0 && rows[i].time.at == rows[i - 1].time.at && rows[i].model == rows[i - 1].model) ? nth + 1 : 0;
        result.events.push_back(make_event(rows[i], nth));
    }
    return result;
}

}  // namespace usage::plugins::cursor
