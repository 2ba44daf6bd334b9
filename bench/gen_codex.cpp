// gen_codex.cpp — bench_gen_codex: writes a synthetic but realistic Codex
// home, OUT/.codex/{sessions/YYYY/MM/DD,archived_sessions}/rollout-*.jsonl, of
// about N bytes, and prints the totals a correct counter must report (rules:
// transcript-formats.md, Codex section) as one JSON object on stdout.
//
//   bench_gen_codex --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps it writes, all of which must not count: `info: null` rate-limit
// lines, re-emitted token_count lines with an unchanged total, rollouts
// copied to archived_sessions/ as well, and the parent history that forks
// and thread_spawn subagents replay before their own turns (including a
// stale parent snapshot after the child's first turn). Calls written as a
// total without last_token_usage, and resumes that restart the totals (with
// last_token_usage) count normally. No .zst copies: the generator uses the
// standard library only. Output is identical for the same size and seed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "gen_options.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kStartMs = 1767225600000;  // 2026-01-01T00:00:00Z

struct Rng {
    std::uint64_t s;
    std::uint64_t next() {  // splitmix64
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::int64_t range(std::int64_t lo, std::int64_t hi) {  // [lo, hi]
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool chance(int percent) { return range(1, 100) <= percent; }
};

struct Vec {
    std::int64_t input = 0, cached = 0, output = 0, reasoning = 0;
    Vec& operator+=(const Vec& o) {
        input += o.input, cached += o.cached, output += o.output, reasoning += o.reasoning;
        return *this;
    }
    auto key() const { return std::tuple(input, cached, output, reasoning); }
};

struct Totals {
    std::int64_t events = 0, input = 0, output = 0, cache_read = 0, reasoning = 0;
    void add(const Vec& call) {
        ++events;
        input += call.input - call.cached;
        cache_read += call.cached;
        output += call.output;
        reasoning += call.reasoning;
    }
};

std::string iso(std::int64_t ms) {
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

std::string v7(std::int64_t ms, Rng& rng) {
    char buf[40];
    const std::uint64_t r = rng.next();
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-7%03llx-%04llx-%012llx", static_cast<unsigned long long>(ms >> 16),
                  static_cast<unsigned long long>(ms & 0xffff), static_cast<unsigned long long>(r & 0xfff),
                  static_cast<unsigned long long>(0x8000 | ((r >> 12) & 0x3fff)),
                  static_cast<unsigned long long>((r >> 26) & 0xffffffffffffull));
    return buf;
}

std::string usage_json(const Vec& v) {
    char buf[200];
    std::snprintf(
        buf, sizeof buf,
        R"({"input_tokens":%lld,"cached_input_tokens":%lld,"output_tokens":%lld,"reasoning_output_tokens":%lld,"total_tokens":%lld})",
        static_cast<long long>(v.input), static_cast<long long>(v.cached), static_cast<long long>(v.output),
        static_cast<long long>(v.reasoning), static_cast<long long>(v.input + v.output));
    return buf;
}

std::string head(std::int64_t ms, std::string_view type) {
    return R"({"timestamp":")" + iso(ms) + R"(","type":")" + std::string(type) + R"(","payload":)";
}

// Text pool: shell output and code, JSON-escaped once, sliced per line.
class TextPool {
public:
    explicit TextPool(Rng& rng) {
        static const char* words[] = {"fn",      "let",    "struct", "impl",  "return", "error", "parser", "token",
                                      "buffer",  "config", "async",  "await", "match",  "const", "usize",  "String",
                                      "Vec<u8>", "Option", "->",     "{",     "}",      "(",     ")",      "=>"};
        while (text_.size() < (1u << 20)) {
            for (int i = rng.range(3, 12); i > 0; --i) text_ += std::string(words[rng.range(0, 23)]) + " ";
            text_ += rng.chance(30) ? "\\\"quoted\\\"\\n" : "\\n";
        }
    }
    std::string slice(Rng& rng, std::size_t n) const {
        n = std::min(n, text_.size() - 8);
        std::size_t at = static_cast<std::size_t>(rng.range(0, static_cast<std::int64_t>(text_.size() - n)));
        while (at > 0 && text_[at - 1] == '\\') --at;  // never start inside an escape
        std::size_t end = at + n;
        while (end < text_.size() && text_[end - 1] == '\\') ++end;  // nor cut one
        return text_.substr(at, end - at);
    }

private:
    std::string text_;
};

struct Thread {
    std::string id;
    std::int64_t created = 0;
    std::vector<std::string> lines;  // with newlines
    Vec total;
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>> seen;  // cumulative vectors
    std::string model;
    std::int64_t context = 0;     // prompt size of the next call
    bool restart_totals = false;  // the next call follows a resume that restarted the totals
};

class Generator {
public:
    Generator(fs::path home, std::uint64_t bytes, std::uint64_t seed)
        : home_(std::move(home)), target_(bytes), rng_{seed * 0x2545f4914f6cdd1dull + 1}, pool_(rng_) {}

    void run() {
        std::int64_t clock = kStartMs;
        while (written_ < target_) {
            clock += rng_.range(60000, 4 * 3600000);
            write_session(clock);
        }
    }
    [[nodiscard]] const Totals& totals() const { return totals_; }
    [[nodiscard]] std::uint64_t files() const { return files_; }

private:
    Thread start(std::int64_t created, const std::string& source_json, const std::string& forked_from) {
        Thread t;
        t.id = v7(created, rng_);
        t.created = created;
        std::string meta = head(created, "session_meta") + R"({"id":")" + t.id + "\"";
        if (!forked_from.empty()) meta += R"(,"forked_from_id":")" + forked_from + "\"";
        meta += R"(,"timestamp":")" + iso(created - 300) + R"(","cwd":"/home/dev/src/project-)" +
                std::to_string(rng_.range(1, 12)) + R"(","originator":"codex-tui","cli_version":"0.128.0","source":)" +
                source_json + R"(,"model_provider":"openai","base_instructions":{"text":")" + pool_.slice(rng_, 9000) +
                R"("},"git":{"commit_hash":"0f3a9c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f901","branch":"main"}}})" + "\n";
        t.lines.push_back(std::move(meta));
        return t;
    }

    void turn(Thread& t, std::int64_t& ms, bool task = true) {
        const std::string turn_id = v7(ms, rng_);
        static const char* models[] = {"gpt-5.1-codex", "gpt-5.2-codex", "gpt-5.1-codex-mini", "gpt-5.5"};
        if (t.model.empty() || rng_.chance(10)) t.model = models[rng_.range(0, 3)];
        if (task)
            t.lines.push_back(head(ms, "event_msg") + R"({"type":"task_started","turn_id":")" + turn_id +
                              R"(","started_at":)" + std::to_string(ms / 1000) + R"(,"model_context_window":272000}})" +
                              "\n");
        t.lines.push_back(head(ms, "turn_context") + R"({"turn_id":")" + turn_id + R"(","cwd":"/home/dev/src/app",)" +
                          R"("approval_policy":"on-request","sandbox_policy":{"type":"workspace-write"},"model":")" +
                          t.model + R"(","effort":"medium","summary":"auto"}})" + "\n");
        t.lines.push_back(head(ms + 2, "event_msg") + R"({"type":"user_message","message":")" +
                          pool_.slice(rng_, static_cast<std::size_t>(rng_.range(20, 600))) + R"(","images":[]}})" +
                          "\n");
        ms += rng_.range(500, 3000);
    }

    // One model call with its surrounding items; `counted` adds it to the totals.
    void call(Thread& t, std::int64_t& ms, Totals* counted) {
        t.lines.push_back(head(ms, "response_item") + R"({"type":"reasoning","summary":[],"content":null,)" +
                          R"("encrypted_content":"gAAAAB)" +
                          pool_.slice(rng_, static_cast<std::size_t>(rng_.range(800, 6000))) + "\"}}\n");
        t.context += rng_.range(300, 6000);
        if (t.context > 250000) t.context = rng_.range(15000, 30000);  // compaction
        const bool restart = t.restart_totals;
        if (restart) {
            t.total = Vec{};  // earlier vectors stay in `seen`: ids must never repeat in a thread
            t.restart_totals = false;
        }
        Vec c;
        do {
            c.input = t.context + rng_.range(20, 400);
            c.cached = rng_.chance(85) ? (t.context * 9 / 10) / 128 * 128 : 0;
            c.output = rng_.range(12, 900);
            c.reasoning = rng_.chance(60) ? rng_.range(0, c.output) : 0;
        } while (t.seen.contains((Vec(t.total) += c).key()));
        t.total += c;
        t.seen.insert(t.total.key());
        ms += rng_.range(800, 20000);
        // A total without last_token_usage counts as the delta of the totals,
        // which a restart makes unknowable: Codex always writes both there.
        const bool total_only = !restart && rng_.chance(4);
        std::string info = R"({"total_token_usage":)" + usage_json(t.total);
        if (!total_only) info += R"(,"last_token_usage":)" + usage_json(c);
        info += R"(,"model_context_window":272000})";
        const std::string tc =
            head(ms, "event_msg") + R"({"type":"token_count","info":)" + info + R"(,"rate_limits":null}})" + "\n";
        t.lines.push_back(tc);
        if (counted) counted->add(c);
        if (rng_.chance(25)) t.lines.push_back(tc);  // re-emitted, same total
        if (rng_.chance(15))
            t.lines.push_back(head(ms + 1, "event_msg") +
                              R"({"type":"token_count","info":null,"rate_limits":{"primary":{"used_percent":12.0}}}})" +
                              "\n");
        const std::size_t out = rng_.chance(10) ? static_cast<std::size_t>(rng_.range(20000, 200000))
                                                : static_cast<std::size_t>(rng_.range(100, 6000));
        const std::string text = (rng_.chance(20) ? "total 48\\n" : "") + pool_.slice(rng_, out);
        t.lines.push_back(head(ms + 5, "response_item") + R"({"type":"function_call_output","call_id":"call_)" +
                          std::to_string(ms) + R"(","output":")" + text + "\"}}\n");
        if (rng_.chance(50))
            t.lines.push_back(head(ms + 6, "event_msg") + R"({"type":"exec_command_end","call_id":"call_)" +
                              std::to_string(ms) + R"(","aggregated_output":")" + text + R"(","exit_code":0}})" + "\n");
        ms += rng_.range(200, 5000);
    }

    // A child that replays `parent`'s lines (re-stamped to its creation) first.
    Thread child_of(const Thread& parent, std::int64_t created, const std::string& source_json, bool spawn) {
        Thread c = start(created, source_json, spawn ? "" : parent.id);
        const std::string stamp = iso(created);
        for (const auto& l : parent.lines) c.lines.push_back(R"({"timestamp":")" + stamp + l.substr(38));
        c.total = parent.total;
        c.seen = parent.seen;
        c.model = parent.model;
        c.context = parent.context;
        return c;
    }

    void write_session(std::int64_t created) {
        Thread t = start(created, R"("cli")", "");
        std::int64_t ms = created + 400;
        std::vector<Thread> children;
        for (int turns = static_cast<int>(rng_.range(1, 8)); turns > 0; --turns) {
            turn(t, ms);
            for (int calls = static_cast<int>(rng_.range(1, 12)); calls > 0; --calls) call(t, ms, &totals_);
            if (rng_.chance(3)) t.restart_totals = true;  // resumed by a build that restarts the totals
            if (rng_.chance(12)) {                        // spawn a subagent from inside this turn
                const std::int64_t at = ms + 10;
                Thread s = child_of(
                    t, at, R"({"subagent":{"thread_spawn":{"parent_thread_id":")" + t.id + R"(","depth":1}}})", true);
                std::int64_t sms = at + 5;
                turn(s, sms);
                // The parent's snapshot once more after the child's first turn.
                s.lines.push_back(head(sms, "event_msg") + R"({"type":"token_count","info":{"total_token_usage":)" +
                                  usage_json(t.total) + R"(},"rate_limits":null}})" + "\n");
                for (int calls = static_cast<int>(rng_.range(1, 6)); calls > 0; --calls) call(s, sms, &totals_);
                children.push_back(std::move(s));
                ms += 1000;
            }
        }
        if (rng_.chance(10)) {  // a human fork of the whole session
            const std::int64_t at = ms + rng_.range(60000, 600000);
            Thread f = child_of(t, at, R"("cli")", false);
            std::int64_t fms = at + rng_.range(5000, 60000);
            turn(f, fms, false);
            for (int calls = static_cast<int>(rng_.range(1, 6)); calls > 0; --calls) call(f, fms, &totals_);
            children.push_back(std::move(f));
        }
        write(t, rng_.chance(5));
        for (auto& c : children) write(c, false);
    }

    void write(const Thread& t, bool archived_twin) {
        const std::string d = iso(t.created);
        std::string name = "rollout-" + d.substr(0, 19) + "-" + t.id + ".jsonl";
        for (auto& ch : name)
            if (ch == ':') ch = '-';
        const fs::path dir = home_ / "sessions" / d.substr(0, 4) / d.substr(5, 2) / d.substr(8, 2);
        fs::create_directories(dir);
        std::string text;
        for (const auto& l : t.lines) text += l;
        auto put = [&](const fs::path& p) {
            std::ofstream out(p, std::ios::binary);
            out.write(text.data(), static_cast<std::streamsize>(text.size()));
            if (!out) {
                std::fprintf(stderr, "bench_gen_codex: cannot write %s\n", p.c_str());
                std::exit(1);
            }
            written_ += text.size();
            ++files_;
        };
        put(dir / name);
        if (archived_twin) {
            fs::create_directories(home_ / "archived_sessions");
            put(home_ / "archived_sessions" / name);
        }
    }

    fs::path home_;
    std::uint64_t target_;
    Rng rng_;
    TextPool pool_;
    Totals totals_;
    std::uint64_t written_ = 0, files_ = 0;
};

using bench::parse_size;

[[noreturn]] void usage_error(const char* message) {
    std::fprintf(stderr, "bench_gen_codex: %s\nusage: bench_gen_codex --out DIR --bytes N[K|M|G] [--seed S]\n",
                 message);
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    fs::path out;
    std::optional<std::uint64_t> bytes;
    std::uint64_t seed = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc) usage_error("missing value");
        if (arg == "--out")
            out = argv[++i];
        else if (arg == "--bytes")
            bytes = parse_size(argv[++i]);
        else if (arg == "--seed")
            seed = parse_size(argv[++i]).value_or(1);
        else
            usage_error("unknown option");
    }
    if (out.empty() || !bytes) usage_error("--out and --bytes are required");
    Generator gen(out / ".codex", *bytes, seed);
    gen.run();
    const Totals& t = gen.totals();
    std::printf(
        "{\"events\": %lld, \"input\": %lld, \"output\": %lld, \"reasoning\": %lld, \"cache_read\": %lld, "
        "\"cache_write\": 0, \"total\": %lld, \"files\": %llu}\n",
        static_cast<long long>(t.events), static_cast<long long>(t.input), static_cast<long long>(t.output),
        static_cast<long long>(t.reasoning), static_cast<long long>(t.cache_read),
        static_cast<long long>(t.input + t.output + t.cache_read), static_cast<unsigned long long>(gen.files()));
    return 0;
}
