// gen_cursor.cpp — bench_gen_cursor: writes a synthetic but realistic Cursor
// global state database, DIR/.config/Cursor/User/globalStorage/state.vscdb,
// of about N bytes of values, and prints on stdout the exact totals a correct
// counter must report (rules: docs/sources/cursor.md).
//
//   bench_gen_cursor --out DIR --bytes N[K|M|G] [--seed S]
//
// The traps a counter must survive are all there: user bubbles (some with a
// tokenCount), assistant bubbles with zero or missing counts, bubbles Cursor
// rewrote with larger counts (only the last value counts), bubbles without
// modelInfo (the composer's model applies), ISO and numeric times, TEXT and
// BLOB values, truncated JSON (malformed, not an event), and bulky non-usage
// rows (checkpoints, diffs) between them. The same seed and size give the
// same database.
#include <sqlite3.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gen_options.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kStartMs = 1767225600000;  // 2026-01-01T00:00:00Z

using Options = bench::GenOptions;

[[noreturn]] void usage_error(const std::string& message) {
    bench::gen_usage_error("bench_gen_cursor", message);
}

Options parse_options(int argc, char** argv) {
    return bench::parse_gen_options("bench_gen_cursor", argc, argv);
}

// splitmix64: small, fast, and the same everywhere.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
    }
    bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

private:
    std::uint64_t state_;
};

std::string uuid(Rng& rng) {
    char buf[40];
    const std::uint64_t a = rng.next(), b = rng.next();
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012" PRIx64, static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | (b >> 48 & 0x3fff)),
                  static_cast<std::uint64_t>(b & 0xffffffffffffull));
    return buf;
}

// Prose and code without characters that need JSON escaping beyond \n.
std::string text(Rng& rng, std::size_t bytes) {
    static const char* const kWords[] = {"the",    "function", "returns", "a",     "vector", "of",   "events",
                                         "parser", "should",   "handle",  "empty", "input",  "and",  "errors",
                                         "cache",  "token",    "count",   "test",  "fix",    "build"};
    std::string out;
    out.reserve(bytes + 16);
    while (out.size() < bytes) {
        out += kWords[rng.below(std::size(kWords))];
        out += rng.chance(0.08) ? "\\n" : " ";
    }
    return out;
}

std::string iso(std::int64_t ms) {
    const std::int64_t days = ms / 86400000, rem = ms % 86400000;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    const std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<int>(y), static_cast<int>(m),
                  static_cast<int>(d), static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60),
                  static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
    return buf;
}

class Db {
public:
    explicit Db(const fs::path& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("open");
        exec("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)");
        exec("CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)");
        exec("BEGIN");
        if (sqlite3_prepare_v2(db_, "INSERT INTO cursorDiskKV (key, value) VALUES (?, ?)", -1, &put_, nullptr) !=
            SQLITE_OK)
            fail("prepare");
    }
    ~Db() {
        sqlite3_finalize(put_);
        sqlite3_close(db_);
    }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    void put(const std::string& key, const std::string& value, bool as_text) {
        sqlite3_bind_text(put_, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
        if (as_text)
            sqlite3_bind_text(put_, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
        else
            sqlite3_bind_blob(put_, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
        if (sqlite3_step(put_) != SQLITE_DONE) fail("insert");
        sqlite3_reset(put_);
        bytes += key.size() + value.size();
    }
    void item(const std::string& key, const std::string& value) {
        exec("INSERT INTO ItemTable VALUES ('" + key + "', '" + value + "')");
    }
    void commit() { exec("COMMIT"); }

    std::uint64_t bytes = 0;

private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* put_ = nullptr;
    void exec(const std::string& sql) {
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
    }
    [[noreturn]] void fail(const std::string& what) {
        std::fprintf(stderr, "bench_gen_cursor: sqlite %s: %s\n", what.c_str(), sqlite3_errmsg(db_));
        std::exit(1);
    }
};

struct Totals {
    std::int64_t events = 0, input = 0, output = 0, malformed = 0;
};

const char* const kModels[] = {"claude-4.5-sonnet-thinking",
                               "claude-4.5-sonnet",
                               "gpt-5-codex",
                               "gpt-5",
                               "claude-4.5-opus-high-thinking",
                               "auto",
                               "gemini-2.5-pro",
                               "composer-1"};

struct Bubble {
    std::string id;
    int type = 2;
    std::int64_t at_ms = 0;
    bool numeric_time = false;
    std::string model;                    // empty: no modelInfo
    std::optional<std::int64_t> in, out;  // nullopt: no tokenCount
    std::string body;

    [[nodiscard]] std::string json() const {
        std::string j = "{\"_v\":3,\"type\":" + std::to_string(type) + ",\"bubbleId\":\"" + id + "\",\"createdAt\":";
        j += numeric_time ? std::to_string(at_ms) : "\"" + iso(at_ms) + "\"";
        j += ",\"requestId\":\"req-" + id + "\",\"text\":\"" + body + "\"";
        if (!model.empty()) j += ",\"modelInfo\":{\"modelName\":\"" + model + "\"}";
        if (in)
            j += ",\"tokenCount\":{\"inputTokens\":" + std::to_string(*in) +
                 ",\"outputTokens\":" + std::to_string(*out) + "}";
        if (type == 1) j += ",\"workspaceUris\":[\"file:///home/dev/src/proj\"]";
        return j + ",\"codeBlocks\":[],\"toolResults\":[]}";
    }
};

// One conversation: bubbles in write order, rewrites, then its composerData.
void write_composer(Db& db, Rng& rng, std::int64_t start_ms, Totals& totals) {
    const std::string cid = uuid(rng);
    const std::string composer_model = kModels[rng.below(std::size(kModels))];
    std::vector<Bubble> bubbles;
    std::vector<std::size_t> rewrite;  // assistant bubbles Cursor rewrites later with larger counts
    std::int64_t t = start_ms;
    const std::int64_t turns = rng.chance(0.2) ? rng.between(10, 60) : rng.between(1, 9);
    for (std::int64_t turn = 0; turn < turns; ++turn) {
        Bubble user{uuid(rng), 1, t, false, "", std::nullopt, std::nullopt, text(rng, rng.between(80, 2500))};
        if (rng.chance(0.1)) user.in = user.out = 1234;  // a count on a user bubble: never an event
        bubbles.push_back(std::move(user));
        const std::int64_t replies = rng.between(1, 4);
        for (std::int64_t r = 0; r < replies; ++r) {
            t += rng.between(2000, 90000);
            Bubble b{
                uuid(rng), 2, t, rng.chance(0.1), "", std::nullopt, std::nullopt, text(rng, rng.between(200, 9000))};
            if (rng.chance(0.8)) b.model = kModels[rng.below(std::size(kModels))];
            const double roll = static_cast<double>(rng.below(1000)) / 1000;
            if (roll < 0.6) {
                b.in = rng.between(1500, 160000);
                b.out = rng.between(20, 9000);
                if (rng.chance(0.08)) rewrite.push_back(bubbles.size());
            } else if (roll < 0.85) {
                b.in = b.out = 0;  // not yet counted (or never)
            }                      // else: no tokenCount at all
            bubbles.push_back(std::move(b));
        }
        t += rng.between(10000, 600000);
    }
    for (const auto& b : bubbles) db.put("bubbleId:" + cid + ":" + b.id, b.json(), rng.chance(0.3));
    if (rng.chance(0.3)) {  // bulky rows that are not usage
        db.put("checkpointId:" + cid + ":" + uuid(rng), "{\"files\":\"" + text(rng, 20000) + "\"}", false);
        db.put("codeBlockDiff:" + cid + ":" + uuid(rng), "{\"diff\":\"" + text(rng, 6000) + "\"}", false);
    }
    if (rng.chance(0.02)) {  // a value cut off mid-write
        ++totals.malformed;
        db.put("bubbleId:" + cid + ":" + uuid(rng), "{\"_v\":3,\"type\":2,\"tokenCount\":{\"inputTokens\":5", false);
    }
    for (std::size_t i : rewrite) {
        Bubble& b = bubbles[i];
        *b.in += rng.between(1, 5000);
        *b.out += rng.between(1, 500);
        db.put("bubbleId:" + cid + ":" + b.id, b.json(), false);
    }
    std::string headers;
    for (const auto& b : bubbles) {
        if (b.type == 2 && b.in && *b.in + *b.out > 0) {
            ++totals.events;
            totals.input += *b.in;
            totals.output += *b.out;
        }
        headers += (headers.empty() ? "" : ",") + std::string("{\"bubbleId\":\"") + b.id +
                   "\",\"type\":" + std::to_string(b.type) + "}";
    }
    db.put("composerData:" + cid,
           "{\"_v\":10,\"composerId\":\"" + cid + "\",\"createdAt\":" + std::to_string(start_ms) +
               ",\"status\":\"completed\",\"modelConfig\":{\"modelName\":\"" + composer_model +
               "\",\"maxMode\":false},\"fullConversationHeadersOnly\":[" + headers + "]}",
           false);
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    const fs::path dir = options.out / ".config/Cursor/User/globalStorage";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) usage_error("cannot create " + dir.string() + ": " + ec.message());
    const fs::path path = dir / "state.vscdb";
    fs::remove(path, ec);
    Rng rng(options.seed);
    Totals totals;
    {
        Db db(path);
        db.item("cursorAuth/cachedEmail", "dev@example.invalid");
        std::int64_t start = kStartMs;
        while (db.bytes < options.bytes) {
            write_composer(db, rng, start, totals);
            start += rng.between(60000, 4 * 3600000);
        }
        db.commit();
    }
    std::printf(
        "{\"events\": %" PRId64 ", \"input\": %" PRId64 ", \"output\": %" PRId64
        ", \"cache_read\": 0, \"cache_write\": 0, \"cache_write_5m\": 0, \"cache_write_1h\": 0, \"total\": %" PRId64
        ", \"malformed\": %" PRId64 "}\n",
        totals.events, totals.input, totals.output, totals.input + totals.output, totals.malformed);
    return 0;
}
