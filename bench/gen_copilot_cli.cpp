// gen_copilot_cli.cpp — bench_gen_copilot_cli: writes a synthetic GitHub
// Copilot CLI home, OUT/.copilot/session-state/<id>/events.jsonl, of about N
// bytes, and prints on stdout the exact totals a correct counter must report
// (rules: docs/sources/copilot-cli.md). The totals are the usage the
// generator decided each process used, not a parse of what it wrote.
//
//   bench_gen_copilot_cli --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps included: resumed sessions whose shutdown counters restart per
// process, resumed sessions whose counters run on since the start (and
// restart after a successful compaction; a failed one changes nothing),
// shutdowns written twice, models appearing in a later process only,
// multi-KB tool output and assistant text (some mentioning `"session.`),
// a cut last line, and sessions without any shutdown (a crash: no usage).
// Same seed and size: byte-identical output.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gen_options.hpp"

namespace {

namespace fs = std::filesystem;

const char* const kModels[] = {"claude-sonnet-4.5", "claude-opus-4.6", "gpt-5-mini", "claude-haiku-4.5"};

class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::int64_t range(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool chance(int percent) { return range(0, 99) < percent; }
    std::string hex(int n) {
        static const char* digits = "0123456789abcdef";
        std::string s;
        for (int i = 0; i < n; ++i) s += digits[next() % 16];
        return s;
    }

private:
    std::uint64_t s_;
};

// One model's counters, as Copilot writes them (input includes the caches).
struct Counters {
    std::int64_t requests = 0, input = 0, output = 0, cache_read = 0, cache_write = 0, reasoning = 0, nano = 0;
    void add(const Counters& o) {
        requests += o.requests;
        input += o.input;
        output += o.output;
        cache_read += o.cache_read;
        cache_write += o.cache_write;
        reasoning += o.reasoning;
        nano += o.nano;
    }
    [[nodiscard]] bool covers(const Counters& p) const {
        return requests >= p.requests && input >= p.input && output >= p.output && cache_read >= p.cache_read &&
               cache_write >= p.cache_write && reasoning >= p.reasoning && nano >= p.nano;
    }
};
using Leg = std::map<std::string, Counters>;

struct Totals {
    std::int64_t events = 0, sessions = 0, input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write = 0,
                 cost_micros = 0;
};

std::string iso(std::int64_t ms) {
    const std::int64_t days = ms / 86'400'000, rem = ms % 86'400'000;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    const std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3'600'000),
                  static_cast<long long>(rem / 60'000 % 60), static_cast<long long>(rem / 1000 % 60),
                  static_cast<long long>(rem % 1000));
    return buf;
}

class Generator {
public:
    explicit Generator(const bench::GenOptions& o) : opt_(o), rng_(o.seed) {}

    void run() {
        while (bytes_ < opt_.bytes) session();
    }

    void print() const {
        const Totals& t = totals_;
        std::printf(
            "{\"events\": %lld, \"sessions\": %lld, \"input\": %lld, \"output\": %lld, \"reasoning\": %lld, "
            "\"cache_read\": %lld, \"cache_write\": %lld, \"total\": %lld, \"reported_cost_micros\": %lld, "
            "\"files\": %lld, \"bytes\": %llu}\n",
            ll(t.events), ll(t.sessions), ll(t.input), ll(t.output), ll(t.reasoning), ll(t.cache_read),
            ll(t.cache_write), ll(t.input + t.output + t.cache_read + t.cache_write), ll(t.cost_micros), ll(files_),
            static_cast<unsigned long long>(bytes_));
    }

private:
    static long long ll(std::int64_t v) { return static_cast<long long>(v); }

    std::string uuid() {
        return rng_.hex(8) + "-" + rng_.hex(4) + "-4" + rng_.hex(3) + "-a" + rng_.hex(3) + "-" + rng_.hex(12);
    }

    std::string envelope(const std::string& type, const std::string& data) {
        ts_ += rng_.range(200, 90'000);
        return "{\"type\":\"" + type + "\",\"data\":" + data + ",\"id\":\"" + uuid() + "\",\"timestamp\":\"" +
               iso(ts_) + "\",\"parentId\":\"" + uuid() + "\"}\n";
    }

    std::string text(std::int64_t n) {
        static const char* words[] = {"refactor", "the",   "parser",  "so",  "session.", "tests",  "pass",
                                      "with",     "exact", "numbers", "and", "no",       "copies", "\\\"quoted\\\"",
                                      "\\n"};
        std::string s;
        while (static_cast<std::int64_t>(s.size()) < n) {
            s += words[rng_.range(0, 14)];
            s += ' ';
        }
        return s;
    }

    // The chatter of one process: user turns, answers, tool output.
    void chatter(std::string& out) {
        const std::int64_t turns = rng_.range(2, 8);
        for (std::int64_t i = 0; i < turns; ++i) {
            out += envelope("user.message", "{\"content\":\"" + text(rng_.range(40, 600)) + "\"}");
            out += envelope(
                "assistant.message",
                "{\"messageId\":\"" + uuid() + "\",\"content\":\"" + text(rng_.range(200, 4000)) +
                    "\",\"model\":\"claude-sonnet-4.5\",\"outputTokens\":" + std::to_string(rng_.range(10, 900)) + "}");
            out += envelope("tool.execution_complete", "{\"toolCallId\":\"" + uuid() +
                                                           "\",\"success\":true,\"result\":{\"content\":\"" +
                                                           text(rng_.range(500, 40000)) + "\"}}");
        }
    }

    Counters usage() {
        Counters c;
        c.requests = rng_.range(1, 40);
        c.cache_read = rng_.range(0, 400'000);
        c.cache_write = rng_.range(0, 60'000);
        c.input = c.cache_read + c.cache_write + rng_.range(1, 30'000);
        c.output = rng_.range(1, 20'000);
        c.reasoning = rng_.range(0, c.output);
        c.nano = rng_.range(0, 200'000) * 100'000;  // whole micro-dollars: no rounding in the expectation
        return c;
    }

    static std::string metrics(const Leg& leg) {
        std::string s = "{";
        for (const auto& [model, c] : leg) {
            if (s.size() > 1) s += ",";
            s += "\"" + model + "\":{\"requests\":{\"count\":" + std::to_string(c.requests) +
                 ",\"cost\":1},\"usage\":{\"inputTokens\":" + std::to_string(c.input) +
                 ",\"outputTokens\":" + std::to_string(c.output) +
                 ",\"cacheReadTokens\":" + std::to_string(c.cache_read) +
                 ",\"cacheWriteTokens\":" + std::to_string(c.cache_write) +
                 ",\"reasoningTokens\":" + std::to_string(c.reasoning) +
                 "},\"totalNanoAiu\":" + std::to_string(c.nano) + "}";
        }
        return s + "}";
    }

    void count(const Counters& c) {
        ++totals_.events;
        totals_.input += c.input - c.cache_read - c.cache_write;
        totals_.output += c.output;
        totals_.reasoning += c.reasoning;
        totals_.cache_read += c.cache_read;
        totals_.cache_write += c.cache_write;
        totals_.cost_micros += c.nano / 100'000;
    }

    void session() {
        const std::string id = uuid();
        ts_ = 1'780'000'000'000 + rng_.range(0, 90) * 86'400'000;
        const bool cumulative = rng_.chance(60);  // else counters restart on resume
        std::string out =
            envelope("session.start",
                     "{\"sessionId\":\"" + id +
                         "\",\"version\":1,\"producer\":\"copilot-agent\",\"copilotVersion\":\"1.0.81\","
                         "\"startTime\":\"" +
                         iso(ts_) + "\",\"selectedModel\":\"claude-sonnet-4.5\",\"context\":{\"cwd\":\"/home/dev/app-" +
                         std::to_string(rng_.range(0, 9)) + "\",\"branch\":\"main\"}}");
        Leg written;  // the counters the last shutdown wrote
        bool any = false;
        const std::int64_t legs = rng_.range(1, 4);
        for (std::int64_t leg = 0; leg < legs; ++leg) {
            if (leg > 0) out += envelope("session.resume", "{\"eventCount\":10,\"resumeTime\":\"" + iso(ts_) + "\"}");
            chatter(out);
            // This process's own usage, per model; a model may join later.
            Leg own;
            for (const char* m : kModels)
                if (rng_.chance(leg == 0 ? 55 : 40)) own[m] = usage();
            if (own.empty()) own[kModels[0]] = usage();
            Leg next;
            if (cumulative) {
                next = written;
                for (const auto& [m, c] : own) next[m].add(c);
            } else {
                next = own;
                // A restarted leg must not read as cumulative: keep one
                // counter of a model it shares with the last leg lower.
                bool lower = written.empty();
                for (auto& [m, c] : next)
                    if (auto it = written.find(m); it != written.end() && !c.covers(it->second)) lower = true;
                for (const auto& [m, p] : written)
                    if (!next.contains(m)) lower = true;
                if (!lower) {
                    // Every model of the last leg is present (else `lower`):
                    // one request fewer than before for the first of them.
                    const auto& [m, prev] = *written.begin();
                    next[m].requests = prev.requests - 1;
                }
            }
            if (rng_.chance(85)) {  // else a crash: this process's usage is lost
                out += envelope("session.shutdown",
                                "{\"shutdownType\":\"routine\",\"totalApiDurationMs\":1000,"
                                "\"sessionStartTime\":0,\"codeChanges\":{\"linesAdded\":1,"
                                "\"linesRemoved\":0,\"filesModified\":[]},\"modelMetrics\":" +
                                    metrics(next) + "}");
                if (rng_.chance(10))  // the same shutdown written twice
                    out += envelope("session.shutdown",
                                    "{\"shutdownType\":\"routine\",\"totalApiDurationMs\":1000,"
                                    "\"sessionStartTime\":0,\"codeChanges\":{\"linesAdded\":1,"
                                    "\"linesRemoved\":0,\"filesModified\":[]},\"modelMetrics\":" +
                                        metrics(next) + "}");
                for (const auto& [m, c] : own) count(c);
                any = true;
                written = next;
            }
            // A successful compaction restarts cumulative counters.
            if (cumulative && rng_.chance(25)) {
                out += envelope("session.compaction_complete", "{\"success\":true,\"preCompactionTokens\":150000}");
                written.clear();
            } else if (rng_.chance(10)) {
                out += envelope("session.compaction_complete", "{\"success\":false,\"error\":\"timeout\"}");
            }
        }
        if (any) ++totals_.sessions;
        if (rng_.chance(5)) out += "{\"type\":\"session.shutdown\",\"data\":{\"modelMe";  // cut by a crash
        const fs::path path = opt_.out / ".copilot" / "session-state" / id / "events.jsonl";
        fs::create_directories(path.parent_path());
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f << out;
        bytes_ += out.size();
        ++files_;
    }

    bench::GenOptions opt_;
    Rng rng_;
    Totals totals_;
    std::int64_t ts_ = 0;
    std::uint64_t bytes_ = 0;
    std::int64_t files_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Generator g(bench::parse_gen_options("bench_gen_copilot_cli", argc, argv));
    g.run();
    g.print();
    return 0;
}
