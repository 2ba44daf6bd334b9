// gen_amp.cpp — bench_gen_amp: writes a synthetic Amp data folder,
// OUT/.local/share/amp/threads/T-<uuid>.json, of about N bytes, and prints on
// stdout the exact totals a correct counter must report (rules:
// docs/sources/amp.md). The totals are tracked while writing, not by parsing
// the output.
//
//   bench_gen_amp --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps included: current threads with per-message `usage` (uncached input,
// cache writes and reads apart, totalInputTokens as a sum not to add),
// legacy threads whose `usageLedger.events` replace the messages' usage
// (cache figures joined from `toMessageId`), ledger events without a
// message, user messages, zero-usage answers, usage without a timestamp,
// large tool results, non-thread files in
// threads/ and a few files cut off mid-rewrite (counted as malformed, no
// events). Same seed and size: byte-identical output.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "gen_json_text.hpp"
#include "gen_options.hpp"

namespace fs = std::filesystem;

namespace {

using bench::iso;
using bench::json_string;
using bench::Rng;

std::string num(std::int64_t n) {
    return std::to_string(n);
}

struct Call {
    std::int64_t input = 0, output = 0, cache_write = 0, cache_read = 0;
};

struct Totals {
    std::int64_t events = 0, sessions = 0, input = 0, output = 0, cache_read = 0, cache_write = 0, malformed = 0;
    void add(const Call& c) {
        ++events;
        input += c.input;
        output += c.output;
        cache_read += c.cache_read;
        cache_write += c.cache_write;
    }
    // One thread's calls: a session when any call was billed.
    void add_thread(const Totals& t) {
        events += t.events;
        sessions += t.events > 0 ? 1 : 0;
        input += t.input;
        output += t.output;
        cache_read += t.cache_read;
        cache_write += t.cache_write;
    }
};

const char* const kModels[] = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101", "claude-haiku-4-5-20251001",
                               "gpt-5"};

class Generator {
public:
    explicit Generator(const bench::GenOptions& o) : opt_(o), rng_(o.seed) {
        static const char* const words[] = {"the",  "\"usage\":", "returns", "\"inputTokens\"", "é",   "→", "日本語",
                                            "\\p",  "\n",         "error",   "fixed",           "map", "{", "}",
                                            "test", "ledger",     "const",   "async",           "let", "\t"};
        while (corpus_.size() < (1u << 20)) {
            corpus_ += words[rng_.next() % (sizeof words / sizeof *words)];
            corpus_.push_back(' ');
        }
    }

    void run() {
        while (bytes_ < opt_.bytes) thread();
        // Not a thread file: never read (and not in the printed files/bytes).
        write(threads() / "index.json", "{\"threads\":[]}", false);
    }

    void print() const {
        const Totals& t = totals_;
        std::printf(
            "{\"events\": %lld, \"sessions\": %lld, \"input\": %lld, \"output\": %lld, \"reasoning\": 0, "
            "\"cache_read\": %lld, \"cache_write\": %lld, \"total\": %lld, \"malformed\": %lld, \"files\": %lld, "
            "\"bytes\": %llu}\n",
            ll(t.events), ll(t.sessions), ll(t.input), ll(t.output), ll(t.cache_read), ll(t.cache_write),
            ll(t.input + t.output + t.cache_read + t.cache_write), ll(t.malformed), ll(files_),
            static_cast<unsigned long long>(bytes_));
    }

private:
    static long long ll(std::int64_t v) { return static_cast<long long>(v); }

    [[nodiscard]] fs::path threads() const { return opt_.out / ".local" / "share" / "amp" / "threads"; }

    std::string text(std::size_t n) {
        n = std::min(n, corpus_.size() / 2);
        std::size_t at = static_cast<std::size_t>(rng_.next() % (corpus_.size() - n));
        while ((static_cast<unsigned char>(corpus_[at]) & 0xC0) == 0x80) ++at;
        std::size_t end = at + n;
        while ((static_cast<unsigned char>(corpus_[end]) & 0xC0) == 0x80) --end;
        return corpus_.substr(at, end - at);
    }

    std::string usage_json(const Call& c, const std::string& model, std::int64_t ts, bool with_time) {
        std::string s = "{\"model\":\"" + model + "\",\"inputTokens\":" + num(c.input) +
                        ",\"outputTokens\":" + num(c.output) + ",\"cacheCreationInputTokens\":" + num(c.cache_write) +
                        ",\"cacheReadInputTokens\":" + num(c.cache_read) +
                        ",\"totalInputTokens\":" + num(c.input + c.cache_write + c.cache_read);
        if (with_time) s += ",\"timestamp\":\"" + iso(ts) + "\"";
        return s + "}";
    }

    void thread() {
        const std::string id = "T-" + rng_.uuid();
        const bool legacy = rng_.chance(25);  // a usage ledger
        const std::string model = kModels[rng_.next() % 4];
        std::int64_t ts = 1772323200000 - rng_.range(0, 120) * 86400000 - rng_.range(0, 86399999);
        const std::int64_t created = ts;
        std::int64_t context = rng_.range(2000, 20000);
        std::string messages, ledger;
        int message_id = 0;
        Totals local;  // added once the file is known to be whole
        for (std::int64_t turns = rng_.range(1, 20); turns > 0; --turns) {
            if (!messages.empty()) messages += ",";
            messages += "{\"role\":\"user\",\"messageId\":" + num(message_id++) +
                        ",\"content\":[{\"type\":\"text\",\"text\":" +
                        json_string(text(static_cast<std::size_t>(rng_.range(20, 600)))) + "}]}";
            for (std::int64_t n = rng_.range(1, 5); n > 0; --n) {
                ts += rng_.range(2000, 60000);
                Call c;
                const bool zero = rng_.chance(2);
                if (!zero) {
                    c.cache_read = rng_.chance(80) ? context * rng_.range(60, 98) / 100 : 0;
                    c.cache_write = rng_.range(0, 3000);
                    c.input = rng_.range(1, 50);
                    c.output = rng_.range(10, 2000);
                }
                const int id_here = message_id++;
                const std::string tool =
                    rng_.chance(50) ? ",{\"type\":\"tool_use\",\"name\":\"Read\",\"input\":" +
                                          json_string(text(static_cast<std::size_t>(
                                              rng_.chance(90) ? rng_.range(100, 3000) : rng_.range(20000, 150000)))) +
                                          "}"
                                    : "";
                messages += ",{\"role\":\"assistant\",\"messageId\":" + num(id_here) +
                            ",\"content\":[{\"type\":\"text\",\"text\":" +
                            json_string(text(static_cast<std::size_t>(rng_.range(20, 1500)))) + "}" + tool +
                            "],\"usage\":" + usage_json(c, model, ts, rng_.chance(90)) + "}";
                if (legacy) {
                    // The ledger's input/output win; its message adds the cache figures.
                    Call billed = c;
                    if (!zero && rng_.chance(20)) billed.input += rng_.range(1, 20);
                    if (!ledger.empty()) ledger += ",";
                    ledger += ledger_event(billed, model, ts, id_here);
                    if (!zero) local.add(billed);
                } else if (!zero) {
                    local.add(c);
                }
                context += c.output + rng_.range(100, 4000);
            }
        }
        if (legacy && rng_.chance(30)) {  // an operation without a message: no cache figures
            Call extra{rng_.range(100, 900), rng_.range(5, 40), 0, 0};
            ledger += (ledger.empty() ? "" : ",") + ledger_event(extra, "claude-haiku-4-5-20251001", ts + 1000, 9999);
            local.add(extra);
        }
        std::string doc = "{\"v\":" + num(rng_.range(100, 300)) + ",\"id\":\"" + id + "\",\"created\":" + num(created) +
                          ",\"title\":" + json_string(text(40)) +
                          ",\"env\":{\"initial\":{\"trees\":[{\"displayName\":\"app\",\"uri\":\"file:///home/dev/src/"
                          "app%20" +
                          num(rng_.range(0, 7)) + "\"}]}},\"messages\":[" + messages + "]";
        if (legacy) doc += ",\"usageLedger\":{\"events\":[" + ledger + "]}";
        doc += "}";
        if (rng_.chance(1)) {  // cut off mid-rewrite: nothing counts
            doc.resize(doc.size() / 2);
            ++totals_.malformed;
            write(threads() / (id + ".json"), doc);
            return;
        }
        totals_.add_thread(local);
        write(threads() / (id + ".json"), doc);
    }

    std::string ledger_event(const Call& c, const std::string& model, std::int64_t ts, int to) {
        return "{\"id\":\"event-" + rng_.hex(12) + "\",\"timestamp\":\"" + iso(ts) + "\",\"model\":\"" + model +
               "\",\"credits\":" + num(rng_.range(1, 50)) + ".5,\"tokens\":{\"input\":" + num(c.input) +
               ",\"output\":" + num(c.output) + "},\"operationType\":\"inference\",\"fromMessageId\":" + num(to - 1) +
               ",\"toMessageId\":" + num(to) + "}";
    }

    // `thread`: a thread file (counted in the printed files/bytes).
    void write(const fs::path& path, const std::string& text, bool thread = true) {
        fs::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) bench::gen_usage_error("bench_gen_amp", "cannot write " + path.string());
        if (!thread) return;
        bytes_ += text.size();
        ++files_;
    }

    bench::GenOptions opt_;
    Rng rng_;
    std::string corpus_;
    Totals totals_;
    std::uint64_t bytes_ = 0;
    std::int64_t files_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const bench::GenOptions options = bench::parse_gen_options("bench_gen_amp", argc, argv);
    Generator generator(options);
    generator.run();
    generator.print();
    return 0;
}
