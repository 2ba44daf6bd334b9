// gen_gemini.cpp — bench_gen_gemini: writes a synthetic but realistic Gemini
// CLI data tree, OUT/.gemini/tmp/<project>/chats/..., of about N bytes, and
// prints on stdout the exact totals a correct counter must report (rules:
// docs/sources/gemini-cli.md). The totals are tracked while writing, not by
// parsing the output.
//
//   bench_gen_gemini --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps included: legacy whole-JSON sessions (pretty-printed), JSONL
// sessions whose messages are appended first without tokens and again with
// them (and again with tool calls), `$set` records (some with the full
// message history), `$rewindTo` (rewound calls were billed: still counted),
// subagent sessions under chats/<parent>/, legacy sessions with a migrated
// .jsonl twin holding copies of every message, user/info/error/warning
// records, interrupted calls with `tokens: null`, zero-token calls, calls
// without a model, cached prefixes, thinking and tool-use prompt tokens.
// Same seed and size: byte-identical output.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gen_gemini_json.hpp"
#include "gen_json_text.hpp"
#include "gen_options.hpp"

namespace fs = std::filesystem;
using bench::iso;
using bench::Rng;
using bench::gemini::Json;

namespace {

using Options = bench::GenOptions;

[[noreturn]] void usage_error(const std::string& message) {
    bench::gen_usage_error("bench_gen_gemini", message);
}

Options parse_options(int argc, char** argv) {
    return bench::parse_gen_options("bench_gen_gemini", argc, argv);
}

struct Tokens {
    std::int64_t input = 0, output = 0, cached = 0, thoughts = 0, tool = 0;
    [[nodiscard]] Json json() const {
        return Json::object()
            .set("input", input)
            .set("output", output)
            .set("cached", cached)
            .set("thoughts", thoughts)
            .set("tool", tool)
            .set("total", input + output + thoughts + tool);
    }
};

struct Totals {
    std::int64_t events = 0, input = 0, output = 0, cache_read = 0;
    void add(const Tokens& t) {
        ++events;
        input += t.input - t.cached + t.tool;
        output += t.output + t.thoughts;
        cache_read += t.cached;
    }
};

struct Project {
    std::string dir;   // slug or 64-hex hash
    std::string hash;  // projectHash written in records
    std::string root;  // absolute project path
};

const char* const kModels[] = {"gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro-preview", "gemini-2.5-flash-lite"};

class Generator {
public:
    explicit Generator(const Options& o) : opt_(o), rng_(o.seed) { make_corpus(); }

    void run() {
        const int n_projects = static_cast<int>(std::max<std::uint64_t>(3, opt_.bytes / (24u << 20)));
        for (int i = 0; i < n_projects; ++i) {
            Project p;
            p.hash = rng_.hex(64);
            p.root = "/home/dev/src/app-" + std::to_string(i);
            // Older versions: hash-named folders; newer: slugs with a .project_root marker.
            p.dir = i % 2 == 0 ? p.hash : "app-" + std::to_string(i);
            if (i % 2 != 0) write(tmp() / p.dir / ".project_root", p.root, false);
            projects_.push_back(std::move(p));
        }
        while (bytes_ < opt_.bytes) {
            const Project& p = projects_[static_cast<std::size_t>(rng_.range(0, n_projects - 1))];
            if (rng_.chance(35))
                legacy_session(p);
            else
                jsonl_session(p, "main", "");
        }
    }

    void print() const {
        std::printf(
            "{\"events\": %lld, \"input\": %lld, \"output\": %lld, \"cache_read\": %lld, \"cache_write\": 0, "
            "\"total\": %lld, \"files\": %lld, \"bytes\": %llu}\n",
            static_cast<long long>(totals_.events), static_cast<long long>(totals_.input),
            static_cast<long long>(totals_.output), static_cast<long long>(totals_.cache_read),
            static_cast<long long>(totals_.input + totals_.output + totals_.cache_read), static_cast<long long>(files_),
            static_cast<unsigned long long>(bytes_));
    }

private:
    // One conversation: the final message list plus the JSONL lines that
    // would have produced it.
    struct Conversation {
        std::vector<Json> messages;
        std::string lines;
        std::vector<std::string> gemini_ids;
    };

    [[nodiscard]] fs::path tmp() const { return opt_.out / ".gemini" / "tmp"; }

    // `session`: a session file (counted in the printed files/bytes).
    void write(const fs::path& path, const std::string& text, bool session = true) {
        fs::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) usage_error("cannot write " + path.string());
        if (!session) return;
        bytes_ += text.size();
        ++files_;
    }

    // Words with quotes, backslashes, newlines, multi-byte characters and U+2028.
    void make_corpus() {
        static const char* const words[] = {
            "the",   "cart",  "function", "returns", "\"tokens\"", "value", "é", "→", "日本語", "\\path\\to", "\n",
            "error", "fixed", "test",     "build",   "\u2028",     "map",   "{", "}", "const",  "let",        "async"};
        while (corpus_.size() < (1u << 20)) {
            corpus_ += words[rng_.next() % (sizeof words / sizeof *words)];
            corpus_.push_back(' ');
        }
    }

    // `n` bytes of corpus text, never cutting a UTF-8 sequence.
    std::string text(std::size_t n) {
        n = std::min(n, corpus_.size() / 2);
        std::size_t at = static_cast<std::size_t>(rng_.next() % (corpus_.size() - n));
        while ((static_cast<unsigned char>(corpus_[at]) & 0xC0) == 0x80) ++at;
        std::size_t end = at + n;
        while ((static_cast<unsigned char>(corpus_[end]) & 0xC0) == 0x80) --end;
        return corpus_.substr(at, end - at);
    }

    // Tool output: mostly small, some large, capped at Gemini CLI's 50 KB.
    std::size_t tool_output_size() {
        const int r = static_cast<int>(rng_.range(0, 99));
        if (r < 80) return static_cast<std::size_t>(rng_.range(200, 3000));
        if (r < 98) return static_cast<std::size_t>(rng_.range(3000, 20000));
        return static_cast<std::size_t>(rng_.range(20000, 50 * 1024));
    }

    Json user(std::int64_t ts) {
        return Json::object()
            .set("id", rng_.uuid())
            .set("timestamp", iso(ts))
            .set("type", "user")
            .set("content", Json::array().push(Json::object().set("text", text(rng_.range(20, 1500)))));
    }

    Json note(std::int64_t ts) {
        static const char* const types[] = {"info", "error", "warning"};
        return Json::object()
            .set("id", rng_.uuid())
            .set("timestamp", iso(ts))
            .set("type", types[rng_.next() % 3])
            .set("content", text(rng_.range(20, 200)));
    }

    Json tool_calls(std::int64_t ts) {
        Json calls = Json::array();
        for (std::int64_t i = rng_.range(1, 3); i > 0; --i) {
            const std::string id = "read_file-" + std::to_string(ts) + "-" + rng_.hex(8);
            const Json response = Json::object().set("output", text(tool_output_size()));
            calls.push(Json::object()
                           .set("id", id)
                           .set("name", "read_file")
                           .set("args", Json::object().set("absolute_path", "/home/dev/src/" + rng_.hex(6) + ".ts"))
                           .set("result",
                                Json::array().push(Json::object().set(
                                    "functionResponse",
                                    Json::object().set("id", id).set("name", "read_file").set("response", response))))
                           .set("status", "success")
                           .set("timestamp", iso(ts))
                           .set("displayName", "ReadFile")
                           .set("description", "Reads a file.")
                           .set("renderOutputAsMarkdown", Json::boolean(false)));
        }
        return calls;
    }

    // Appends one turn (a user message and 1-5 calls) to `c`.
    void turn(Conversation& c, const std::string& model, std::int64_t& ts, std::int64_t& context, bool jsonl) {
        Json u = user(ts);
        c.messages.push_back(u);
        if (jsonl) c.lines += u.dump() + "\n" + set_updated(ts);
        for (std::int64_t calls = rng_.range(1, 5), i = 0; i < calls; ++i) {
            ts += rng_.range(2000, 40000);
            const bool last = i + 1 == calls;
            const int kind = static_cast<int>(rng_.range(0, 99));
            Tokens t;
            t.input = context;
            t.cached = rng_.chance(60) ? context * rng_.range(50, 95) / 100 : 0;
            t.output = rng_.chance(90) ? rng_.range(10, 400) : rng_.range(400, 4000);
            t.thoughts = rng_.chance(30) ? 0 : rng_.range(20, 1500);
            t.tool = rng_.chance(5) ? rng_.range(10, 300) : 0;
            const std::string id = rng_.uuid();
            Json m = Json::object().set("id", id).set("timestamp", iso(ts)).set("type", "gemini");
            m.set("content", last ? text(static_cast<std::size_t>(rng_.range(50, 3000))) : std::string());
            Json thoughts = Json::array();
            if (t.thoughts > 0)
                thoughts.push(Json::object()
                                  .set("subject", "Planning")
                                  .set("description", text(200))
                                  .set("timestamp", iso(ts - 1000)));
            Json bare = m;  // as first appended: no tokens yet
            bare.set("thoughts", thoughts).set("tokens", Json()).set("model", model);
            Json calls_json;
            if (!last) calls_json = tool_calls(ts);
            if (!last) m.set("toolCalls", calls_json);
            m.set("thoughts", thoughts);
            bool billable = true;
            if (kind < 3) {  // interrupted: the usage never arrived
                m.set("tokens", Json());
                billable = false;
            } else if (kind < 4) {  // an empty response
                m.set("tokens", Tokens{}.json());
                billable = false;
            } else {
                m.set("tokens", t.json());
            }
            if (kind != 4) m.set("model", kind < 10 && kind >= 5 ? kModels[1] : model);  // kind 4: no model
            if (billable) {
                totals_.add(t);
                c.gemini_ids.push_back(id);
            }
            c.messages.push_back(m);
            if (jsonl) {
                if (rng_.chance(40)) c.lines += bare.dump() + "\n";  // recorded before its tokens
                c.lines += m.dump() + "\n" + set_updated(ts);
                if (!last && rng_.chance(50)) c.lines += m.dump() + "\n";  // re-appended when tool calls finish
            }
            context += t.output + (last ? 0 : static_cast<std::int64_t>(tool_output_size() / 4));
            if (rng_.chance(4)) {
                Json n = note(ts + 500);
                c.messages.push_back(n);
                if (jsonl) c.lines += n.dump() + "\n";
            }
        }
        ts += rng_.range(20000, 600000);
    }

    static std::string set_updated(std::int64_t ts) {
        return Json::object().set("$set", Json::object().set("lastUpdated", iso(ts))).dump() + "\n";
    }

    Json meta(const std::string& sid, const Project& p, std::int64_t start, const std::string& kind) {
        Json m = Json::object().set("sessionId", sid).set("projectHash", p.hash).set("startTime", iso(start));
        m.set("lastUpdated", iso(start)).set("kind", kind);
        if (kind == "subagent") m.set("directories", Json::array().push(Json::string(p.root)));
        return m;
    }

    std::int64_t session_start() {
        // Spread over ~120 days before 2026-03-01.
        return 1772323200000 - rng_.range(0, 120) * 86400000 - rng_.range(0, 86399999);
    }

    static std::string file_name(std::int64_t start, const std::string& sid, const char* ext) {
        std::string stamp = iso(start).substr(0, 16);
        for (char& ch : stamp)
            if (ch == ':') ch = '-';
        return "session-" + stamp + "-" + sid.substr(0, 8) + ext;
    }

    void legacy_session(const Project& p) {
        const std::string sid = rng_.uuid();
        const std::int64_t start = session_start();
        std::int64_t ts = start, context = rng_.range(3000, 15000);
        Conversation c;
        const std::string model = kModels[rng_.next() % 3];
        for (std::int64_t turns = rng_.range(3, 30); turns > 0; --turns) turn(c, model, ts, context, false);
        Json msgs = Json::array();
        for (const auto& m : c.messages) msgs.push(m);
        Json doc = Json::object().set("sessionId", sid).set("projectHash", p.hash).set("startTime", iso(start));
        doc.set("lastUpdated", iso(ts)).set("messages", msgs);
        const fs::path chats = tmp() / p.dir / "chats";
        write(chats / file_name(start, sid, ".json"), doc.pretty());
        if (!rng_.chance(15)) return;
        // Resumed in a newer version: every message copied into a .jsonl twin, then the session goes on there.
        std::string lines = meta(sid, p, start, "main").dump() + "\n";
        for (const auto& m : c.messages) lines += m.dump() + "\n";
        lines += Json::object().set("$set", Json::object().set("sessionId", sid)).dump() + "\n";
        Conversation more;
        for (std::int64_t turns = rng_.range(1, 5); turns > 0; --turns) turn(more, model, ts, context, true);
        write(chats / file_name(start, sid, ".jsonl"), lines + more.lines);
    }

    void jsonl_session(const Project& p, const std::string& kind, const std::string& parent) {
        const std::string sid = rng_.uuid();
        const std::int64_t start = session_start();
        std::int64_t ts = start, context = rng_.range(3000, 15000);
        Conversation c;
        c.lines = meta(sid, p, start, kind).dump() + "\n";
        const std::string model = kModels[rng_.next() % 4];
        const bool full_history = rng_.chance(10);
        for (std::int64_t turns = kind == "subagent" ? rng_.range(1, 4) : rng_.range(3, 30); turns > 0; --turns) {
            turn(c, model, ts, context, true);
            if (rng_.chance(3) && !c.gemini_ids.empty())  // /rewind: hidden from the UI, billed all the same
                c.lines += Json::object().set("$rewindTo", c.gemini_ids.back()).dump() + "\n";
        }
        if (full_history) {  // updateMessagesFromHistory: the whole list again
            Json msgs = Json::array();
            for (const auto& m : c.messages) msgs.push(m);
            c.lines += Json::object().set("$set", Json::object().set("messages", msgs)).dump() + "\n";
        }
        const fs::path chats = tmp() / p.dir / "chats";
        if (kind == "subagent") {
            write(chats / parent / (sid + ".jsonl"), c.lines);
            return;
        }
        write(chats / file_name(start, sid, ".jsonl"), c.lines);
        for (std::int64_t subs = rng_.chance(20) ? rng_.range(1, 2) : 0; subs > 0; --subs)
            jsonl_session(p, "subagent", sid);
    }

    Options opt_;
    Rng rng_;
    std::string corpus_;
    std::vector<Project> projects_;
    Totals totals_;
    std::uint64_t bytes_ = 0;
    std::int64_t files_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    Generator generator(options);
    generator.run();
    generator.print();
    return 0;
}
