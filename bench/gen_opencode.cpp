// gen_opencode.cpp — bench_gen_opencode: writes a synthetic but realistic
// OpenCode data folder, OUT/.local/share/opencode/ (opencode.db and the
// legacy storage/ tree), of about N bytes, and prints on stdout the totals a
// correct counter must report (rules: transcript-formats.md, OpenCode).
//
//   bench_gen_opencode --out DIR --bytes N[K|M|G] [--seed S] [--now UNIX_SECONDS] [--kilo]
//
// --kilo writes Kilo CLI's folder instead (Kilo keeps OpenCode's schema):
// OUT/.local/share/kilo/kilo.db, without a legacy tree (Kilo has none), and
// prints the same totals for the `kilo-cli` source.
//
// Traps: user messages; calls still streaming (all zero); reasoning kept
// apart from output; step-finish parts repeating every call's usage;
// session-level cost/tokens_* aggregate columns; subagent sessions two levels
// deep; sessions migrated to the database whose legacy copies are still on
// disk (some taken mid-stream, with smaller counts: the database row wins);
// legacy-only sessions (counted); truncated legacy files (malformed).
// The output is identical for the same seed, size and --now.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "gen_opencode_store.hpp"

namespace fs = std::filesystem;
using namespace bench;
using namespace bench::opencode;

namespace {

constexpr std::int64_t kDayMs = 86400000;
// Of the requested bytes: the database, and legacy-only sessions. Legacy
// copies of migrated sessions (about 12% of the database's) come on top.
constexpr double kDatabaseShare = 0.78;
constexpr double kLegacyOnlyShare = 0.12;

struct Options {
    fs::path out;
    std::uint64_t bytes = 0;
    std::uint64_t seed = 1;
    std::int64_t now_ms = 0;
    bool kilo = false;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr,
                 "bench_gen_opencode: %s\n"
                 "usage: bench_gen_opencode --out DIR --bytes N[K|M|G] [--seed S] [--now UNIX_SECONDS] [--kilo]\n",
                 message.c_str());
    std::exit(2);
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t value = 0;
    std::size_t at = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at)
        value = value * 10 + static_cast<std::uint64_t>(text[at] - '0');
    if (at == 0) return std::nullopt;
    const std::string_view suffix = text.substr(at);
    if (suffix.empty()) return value;
    if (suffix.size() != 1) return std::nullopt;
    switch (suffix[0]) {
        case 'k':
        case 'K': return value << 10;
        case 'm':
        case 'M': return value << 20;
        case 'g':
        case 'G': return value << 30;
        default: return std::nullopt;
    }
}

Options parse_options(int argc, char** argv) {
    Options o;
    o.now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--kilo") {
            o.kilo = true;
            continue;
        }
        if (i + 1 >= argc) usage_error(std::string(arg) + " needs a value");
        const std::string_view value = argv[++i];
        if (arg == "--out") {
            o.out = std::string(value);
            continue;
        }
        const auto n = parse_size(value);
        if (!n) usage_error("bad value for " + std::string(arg));
        if (arg == "--bytes")
            o.bytes = *n;
        else if (arg == "--seed")
            o.seed = *n;
        else if (arg == "--now")
            o.now_ms = static_cast<std::int64_t>(*n) * 1000;
        else
            usage_error("unknown option " + std::string(arg));
    }
    if (o.out.empty()) usage_error("--out is required");
    if (o.bytes == 0) usage_error("--bytes is required");
    return o;
}

struct Totals {
    std::int64_t events = 0, sessions = 0, input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write = 0;
    std::int64_t malformed = 0;
    void add(const Tokens& t) {
        ++events;
        input += t.input;
        output += t.output + t.reasoning;
        reasoning += t.reasoning;
        cache_read += t.cache_read;
        cache_write += t.cache_write;
    }
};

struct Model {
    const char* provider;
    const char* id;
    bool priced;  // OpenCode computed a cost (0 for subscriptions and free models)
    bool reasons;
};
constexpr Model kModels[] = {
    {"anthropic", "claude-sonnet-4-5-20250929", true, false},
    {"anthropic", "claude-opus-4-1-20250805", true, false},
    {"openai", "gpt-5", true, true},
    {"github-copilot", "claude-sonnet-4.5", false, false},
    {"openrouter", "anthropic/claude-sonnet-4.5", true, false},
    {"opencode", "grok-code", false, true},
};

class Generator {
public:
    explicit Generator(const Options& o)
        : o_(o),
          rng_(o.seed),
          filler_(o.seed, 8u << 20),
          json_(filler_),
          root_(o.out / (o.kilo ? ".local/share/kilo" : ".local/share/opencode")),
          db_(root_ / (o.kilo ? "kilo.db" : "opencode.db")),
          legacy_(root_ / "storage") {
        for (int i = 0; i < 12; ++i) {
            const std::string id = random_hex(rng_, 40);
            const std::string worktree =
                "/home/dev/src/" + std::string(i % 3 ? "service-" : "app-") + std::to_string(i);
            projects_.emplace_back(id, worktree);
            db_.project(id, worktree);
            if (!o_.kilo) legacy_.project(id, worktree);
        }
        db_.project("global", "/");
        if (!o_.kilo) legacy_.project("global", "/");
    }

    void run() {
        const auto db_target = static_cast<std::uint64_t>(static_cast<double>(o_.bytes) * kDatabaseShare);
        while (db_.bytes() < db_target) {
            const bool twin = !o_.kilo && rng_.chance(0.12);
            write_family(/*to_db=*/true, twin);
        }
        db_.finish();
        if (o_.kilo) return;
        const auto legacy_only = static_cast<std::uint64_t>(static_cast<double>(o_.bytes) * kLegacyOnlyShare);
        const std::uint64_t twins = legacy_.bytes();
        while (legacy_.bytes() - twins < legacy_only) write_family(/*to_db=*/false, /*legacy=*/true);
    }

    void print() const {
        std::printf(
            "{\"events\": %lld, \"sessions\": %lld, \"input\": %lld, \"output\": %lld, \"reasoning\": %lld, "
            "\"cache_read\": %lld, \"cache_write\": %lld, \"total\": %lld, \"malformed\": %lld, "
            "\"legacy_message_files\": %llu, \"database_payload_bytes\": %llu, \"legacy_bytes\": %llu}\n",
            ll(t_.events), ll(t_.sessions), ll(t_.input), ll(t_.output), ll(t_.reasoning), ll(t_.cache_read),
            ll(t_.cache_write), ll(t_.input + t_.output + t_.cache_read + t_.cache_write), ll(t_.malformed),
            static_cast<unsigned long long>(legacy_.message_files()), static_cast<unsigned long long>(db_.bytes()),
            static_cast<unsigned long long>(legacy_.bytes()));
    }

private:
    static long long ll(std::int64_t v) { return static_cast<long long>(v); }

    std::string next_id(const char* prefix) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%012llx", static_cast<unsigned long long>(++serial_));
        return prefix + std::string(hex) + random_base62(rng_, 14);
    }

    Session make_session(const std::string& parent, const std::string& project, const std::string& dir,
                         std::int64_t start_ms, bool in_git) {
        Session s;
        s.id = next_id("ses_");
        s.project_id = project;
        s.parent = parent;
        s.directory = dir;
        s.start_ms = start_ms;
        const auto calls = static_cast<std::size_t>(rng_.pareto(1.3, parent.empty() ? 150 : 40));
        std::int64_t t = start_ms;
        const Model& model = kModels[rng_.below(std::size(kModels))];
        for (std::size_t i = 0; i < calls; ++i) {
            t += static_cast<std::int64_t>(rng_.between(3000, 90000));
            Call c;
            c.user_id = next_id("msg_");
            c.id = next_id("msg_");
            c.created_ms = t;
            c.model = model.id;
            c.provider = model.provider;
            c.cwd = dir;
            c.root = in_git ? dir : "/";
            Tokens& k = c.tokens;
            k.input = static_cast<std::int64_t>(rng_.log_uniform(1, 8000));
            k.output = static_cast<std::int64_t>(rng_.log_uniform(5, 6000));
            if (model.reasons || rng_.chance(0.1)) k.reasoning = static_cast<std::int64_t>(rng_.log_uniform(1, 4000));
            if (rng_.chance(0.7)) k.cache_read = static_cast<std::int64_t>(rng_.log_uniform(1000, 180000));
            if (rng_.chance(0.4)) k.cache_write = static_cast<std::int64_t>(rng_.log_uniform(100, 30000));
            if (model.priced)
                c.cost = (static_cast<double>(k.input) * 3 + static_cast<double>(k.output + k.reasoning) * 15 +
                          static_cast<double>(k.cache_read) * 0.3 + static_cast<double>(k.cache_write) * 3.75) /
                         1e6;
            s.calls.push_back(std::move(c));
        }
        // A call still streaming when the data was copied: all zero.
        if (rng_.chance(0.05)) {
            s.calls.back().tokens = {};
            s.calls.back().cost = 0;
        }
        return s;
    }

    // A top-level session with its subagents (some nested twice).
    std::vector<Session> make_family() {
        const std::int64_t start = o_.now_ms - 2 * 3600000 - static_cast<std::int64_t>(rng_.below(118 * kDayMs));
        const bool in_git = !rng_.chance(0.1);
        std::string project = "global";
        std::string dir = "/home/dev/scratch-" + std::to_string(rng_.below(5));
        if (in_git) {
            const auto& p = projects_[rng_.below(projects_.size())];
            project = p.first;
            dir = p.second;
        }
        std::vector<Session> family{make_session("", project, dir, start, in_git)};
        if (rng_.chance(0.35)) {
            const auto children = rng_.between(1, 3);
            for (std::uint64_t i = 0; i < children; ++i) {
                family.push_back(make_session(family.front().id, project, dir, start + 60000, in_git));
                if (rng_.chance(0.2))
                    family.push_back(make_session(family.back().id, project, dir, start + 120000, in_git));
            }
        }
        return family;
    }

    void write_family(bool to_db, bool to_legacy) {
        const std::vector<Session> family = make_family();
        bool counted = false;
        for (const Session& s : family) {
            Tokens sums;
            double cost = 0;
            for (const Call& c : s.calls) {
                sums.input += c.tokens.input;
                sums.output += c.tokens.output;
                sums.reasoning += c.tokens.reasoning;
                sums.cache_read += c.tokens.cache_read;
                sums.cache_write += c.tokens.cache_write;
                cost += c.cost;
            }
            if (to_db) db_.session(s, sums, cost);
            if (to_legacy) legacy_.session(s);
            for (const Call& c : s.calls) {
                const std::size_t part_bytes = rng_.log_uniform(400, 60000);
                const auto parts = json_.parts(rng_, c, c.tokens, part_bytes);
                bool malformed = false;
                if (to_db) {
                    db_.message(c.user_id, s.id, c.created_ms - 800, json_.user(s, c, false));
                    db_.message(c.id, s.id, c.created_ms, json_.assistant(s, c, c.tokens, false));
                    for (const auto& [id, data] : parts) db_.part(id, c.id, s.id, c.created_ms, data);
                }
                if (to_legacy) {
                    // A migrated session's legacy copy may predate the end of
                    // the call: smaller counts, which must not win.
                    Tokens copy = c.tokens;
                    if (to_db && rng_.chance(0.3)) copy.output /= 2;
                    std::string text = json_.assistant(s, c, copy, true);
                    malformed = !to_db && ++legacy_messages_ % 150 == 0;
                    if (malformed) text.resize(text.size() / 2);  // cut mid-write
                    legacy_.message(s.id, c.user_id, json_.user(s, c, true));
                    legacy_.message(s.id, c.id, text);
                    for (const auto& [id, data] : parts)
                        legacy_.part(c.id, id,
                                     R"({"id":")" + id + R"(","sessionID":")" + s.id + R"(","messageID":")" + c.id +
                                         R"(",)" + data.substr(1));
                }
                if (malformed) {
                    ++t_.malformed;
                } else if (c.tokens.input + c.tokens.output + c.tokens.reasoning + c.tokens.cache_read +
                               c.tokens.cache_write >
                           0) {
                    t_.add(c.tokens);
                    counted = true;
                }
            }
        }
        if (counted) ++t_.sessions;
    }

    const Options& o_;
    Rng rng_;
    FillerText filler_;
    Json json_;
    fs::path root_;
    DbWriter db_;
    LegacyWriter legacy_;
    std::vector<std::pair<std::string, std::string>> projects_;  // id, worktree
    std::uint64_t serial_ = 0;
    std::uint64_t legacy_messages_ = 0;
    Totals t_;
};

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    try {
        Generator g(options);
        g.run();
        g.print();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gen_opencode: %s\n", e.what());
        return 1;
    }
    return 0;
}
