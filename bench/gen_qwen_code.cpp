// gen_qwen_code.cpp — bench_gen_qwen_code: writes a synthetic Qwen Code data
// tree, OUT/.qwen/projects/<sanitized cwd>/chats/<sessionId>.jsonl (plus some
// sessions in the older OUT/.qwen/tmp/<hash>/chats/ place), of about N bytes,
// and prints on stdout the exact totals a correct counter must report (rules:
// docs/sources/qwen-code.md). The totals are tracked while writing, not by
// parsing the output.
//
//   bench_gen_qwen_code --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps included: every call written twice (ui_telemetry api_response, then
// the assistant record chained to it), assistant records without
// usageMetadata (the telemetry alone counts), assistant records without
// telemetry, telemetry repeated for one response id, response ids reused
// across calls, tool_call telemetry, zero-usage answers, large tool results
// whose text mentions "model", Gemini-style thoughts kept out of the
// candidates, resumed sessions that write earlier records again, and a few
// malformed lines. Same seed and size: byte-identical output.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gen_json_text.hpp"
#include "gen_options.hpp"

namespace fs = std::filesystem;

namespace {

using bench::iso;
using bench::json_string;
using bench::Rng;

struct Usage {
    std::int64_t prompt = 0, candidates = 0, thoughts = 0, cached = 0;
    bool thoughts_apart = false;  ///< Gemini API: candidates leave the thoughts out
    [[nodiscard]] std::int64_t total() const { return prompt + candidates + (thoughts_apart ? thoughts : 0); }
};

struct Totals {
    std::int64_t events = 0, sessions = 0, input = 0, output = 0, reasoning = 0, cache_read = 0, malformed = 0;
    void add(const Usage& u) {
        ++events;
        input += u.prompt - u.cached;
        cache_read += u.cached;
        output += u.candidates + (u.thoughts_apart ? u.thoughts : 0);
        reasoning += u.thoughts;
    }
};

const char* const kModels[] = {"coder-model", "qwen3-coder-plus", "qwen3-coder-flash", "qwen3-max"};

class Generator {
public:
    explicit Generator(const bench::GenOptions& o) : opt_(o), rng_(o.seed) {
        static const char* const words[] = {"the",  "\"model\":", "returns", "\"tokens\"", "é",   "→", "日本語",
                                            "\\p",  "\n",         "error",   "fixed",      "map", "{", "}",
                                            "test", "usage",      "const",   "async",      "let", "\t"};
        while (corpus_.size() < (1u << 20)) {
            corpus_ += words[rng_.next() % (sizeof words / sizeof *words)];
            corpus_.push_back(' ');
        }
    }

    void run() {
        while (bytes_ < opt_.bytes) session();
    }

    void print() const {
        const Totals& t = totals_;
        std::printf(
            "{\"events\": %lld, \"sessions\": %lld, \"input\": %lld, \"output\": %lld, \"reasoning\": %lld, "
            "\"cache_read\": %lld, \"cache_write\": 0, \"total\": %lld, \"malformed\": %lld, \"files\": %lld, "
            "\"bytes\": %llu}\n",
            ll(t.events), ll(t.sessions), ll(t.input), ll(t.output), ll(t.reasoning), ll(t.cache_read),
            ll(t.input + t.output + t.cache_read), ll(t.malformed), ll(files_),
            static_cast<unsigned long long>(bytes_));
    }

private:
    static long long ll(std::int64_t v) { return static_cast<long long>(v); }

    // `n` bytes of corpus text, never cutting a UTF-8 sequence.
    std::string text(std::size_t n) {
        n = std::min(n, corpus_.size() / 2);
        std::size_t at = static_cast<std::size_t>(rng_.next() % (corpus_.size() - n));
        while ((static_cast<unsigned char>(corpus_[at]) & 0xC0) == 0x80) ++at;
        std::size_t end = at + n;
        while ((static_cast<unsigned char>(corpus_[end]) & 0xC0) == 0x80) --end;
        return corpus_.substr(at, end - at);
    }

    // The fields every record starts with; `parent_` moves along the chain.
    std::string head(const std::string& uuid, const char* type, std::int64_t ts) {
        std::string s = "{\"uuid\":\"" + uuid +
                        "\",\"parentUuid\":" + (parent_.empty() ? "null" : json_string(parent_)) + ",\"sessionId\":\"" +
                        sid_ + "\",\"timestamp\":\"" + iso(ts) + "\",\"type\":\"" + type +
                        "\",\"cwd\":" + json_string(cwd_) + ",\"version\":\"0.18.1\",\"gitBranch\":\"main\"";
        parent_ = uuid;
        return s;
    }

    std::string user(std::int64_t ts) {
        return head(rng_.uuid(), "user", ts) + ",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":" +
               json_string(text(static_cast<std::size_t>(rng_.range(20, 800)))) + "}]}}\n";
    }

    std::string telemetry(std::int64_t ts, const std::string& response_id, const Usage& u, const std::string& model) {
        return head(rng_.uuid(), "system", ts) +
               ",\"subtype\":\"ui_telemetry\",\"systemPayload\":{\"uiEvent\":{\"event.name\":\"qwen-code.api_"
               "response\","
               "\"event.timestamp\":\"" +
               iso(ts) + "\",\"response_id\":\"" + response_id + "\",\"model\":\"" + model +
               "\",\"status_code\":200,\"duration_ms\":" + std::to_string(rng_.range(200, 9000)) +
               ",\"input_token_count\":" + std::to_string(u.prompt) +
               ",\"output_token_count\":" + std::to_string(u.candidates) +
               ",\"cached_content_token_count\":" + std::to_string(u.cached) +
               ",\"thoughts_token_count\":" + std::to_string(u.thoughts) +
               ",\"total_token_count\":" + std::to_string(u.total()) + ",\"prompt_id\":\"" + sid_ +
               "########1\",\"auth_type\":\"qwen-oauth\"}}}\n";
    }

    std::string assistant(std::int64_t ts, const Usage& u, const std::string& model, bool with_usage) {
        std::string s = head(rng_.uuid(), "assistant", ts) + ",\"model\":\"" + model +
                        "\",\"message\":{\"role\":\"model\",\"parts\":[{\"text\":" +
                        json_string(text(static_cast<std::size_t>(rng_.range(20, 1500)))) + "}]}";
        if (with_usage)
            s += ",\"usageMetadata\":{\"promptTokenCount\":" + std::to_string(u.prompt) +
                 ",\"candidatesTokenCount\":" + std::to_string(u.candidates) +
                 ",\"thoughtsTokenCount\":" + std::to_string(u.thoughts) +
                 ",\"totalTokenCount\":" + std::to_string(u.total()) +
                 ",\"cachedContentTokenCount\":" + std::to_string(u.cached) + "}";
        return s + ",\"contextWindowSize\":1000000}\n";
    }

    std::string tool_records(std::int64_t ts, const std::string& response_id) {
        const std::string call = "call_" + rng_.hex(12);
        std::string s = head(rng_.uuid(), "system", ts) +
                        ",\"subtype\":\"ui_telemetry\",\"systemPayload\":{\"uiEvent\":{\"event.name\":\"qwen-code.tool_"
                        "call\",\"function_name\":\"read_file\",\"duration_ms\":3,\"success\":true,\"response_id\":\"" +
                        response_id + "\"}}}\n";
        const std::size_t size = rng_.chance(90) ? static_cast<std::size_t>(rng_.range(200, 4000))
                                                 : static_cast<std::size_t>(rng_.range(20000, 200000));
        s += head(rng_.uuid(), "tool_result", ts + 5) + ",\"message\":{\"role\":\"user\",\"parts\":[{" +
             "\"functionResponse\":{\"id\":\"" + call +
             "\",\"name\":\"read_file\",\"response\":{\"output\":" + json_string(text(size)) +
             "}}}]},\"toolCallResult\":{\"callId\":\"" + call + "\",\"status\":\"success\"}}\n";
        return s;
    }

    // One model call and what follows it; returns its lines.
    std::string call(std::int64_t& ts, std::int64_t& context, const std::string& model) {
        Usage u;
        u.prompt = context;
        u.cached = rng_.chance(70) ? context * rng_.range(40, 95) / 100 : 0;
        u.candidates = rng_.chance(90) ? rng_.range(5, 500) : rng_.range(500, 6000);
        u.thoughts = rng_.chance(60) ? 0 : std::min(u.candidates, rng_.range(10, 800));
        if (rng_.chance(10)) {  // a Gemini-API model: thoughts not in the candidates
            u.thoughts_apart = true;
            u.thoughts = rng_.range(10, 800);
        }
        // Mostly unique ids; some servers (mocks, proxies) reuse one for every call.
        const std::string response_id = rng_.chance(15) ? "chatcmpl-mock" : "chatcmpl-" + rng_.hex(24);
        std::string lines;
        const int kind = static_cast<int>(rng_.range(0, 99));
        const bool zero = kind < 2;  // an empty answer: nothing billed
        if (zero) u = Usage{};
        if (kind < 75) {  // the usual pair
            lines += telemetry(ts, response_id, u, model);
            if (rng_.chance(5)) lines += telemetry(ts + 30, response_id, u, model);  // repeated while streaming
            lines += assistant(ts + 40, u, model, true);
        } else if (kind < 88) {  // a build without usageMetadata on the answer
            lines += telemetry(ts, response_id, u, model);
            lines += assistant(ts + 40, u, model, false);
        } else {  // telemetry off: the answer alone
            lines += assistant(ts + 40, u, model, true);
        }
        if (!zero) totals_.add(u);
        if (rng_.chance(60)) lines += tool_records(ts + 100, response_id);
        context += u.candidates + rng_.range(100, 3000);
        ts += rng_.range(2000, 60000);
        return lines;
    }

    void session() {
        sid_ = rng_.uuid();
        parent_.clear();
        cwd_ = "/home/dev/src/app-" + std::to_string(rng_.range(0, 7));
        std::string sanitized = cwd_;
        for (char& c : sanitized)
            if (c == '/') c = '-';
        const bool old_layout = rng_.chance(10);
        const fs::path dir =
            opt_.out / ".qwen" / (old_layout ? "tmp" : "projects") / (old_layout ? rng_.hex(64) : sanitized) / "chats";
        const std::string model = kModels[rng_.next() % 4];
        std::int64_t ts = 1772323200000 - rng_.range(0, 120) * 86400000 - rng_.range(0, 86399999);
        std::int64_t context = rng_.range(3000, 20000);
        std::string lines;
        const std::int64_t events_before = totals_.events;
        std::int64_t malformed = 0;
        std::vector<std::pair<std::size_t, std::int64_t>> turn_ends;  // (offset, malformed lines before it)
        for (std::int64_t turns = rng_.range(2, 25); turns > 0; --turns) {
            lines += user(ts);
            ts += rng_.range(1000, 5000);
            for (std::int64_t calls = rng_.range(1, 6); calls > 0; --calls) lines += call(ts, context, model);
            if (rng_.chance(2)) {  // a line cut by a crash
                lines += "{\"uuid\":\"" + rng_.uuid() + "\",\"type\":\"assistant\",\"model\":\"" + model + "\",\"us\n";
                ++malformed;
            }
            turn_ends.emplace_back(lines.size(), malformed);
        }
        if (rng_.chance(10)) {
            // Resumed: the records of the first turns written again, uuids
            // and all (counted once; a malformed copy is malformed again).
            const auto& [end, bad] =
                turn_ends[static_cast<std::size_t>(rng_.range(0, static_cast<std::int64_t>(turn_ends.size()) - 1))];
            lines += lines.substr(0, end);
            malformed += bad;
        }
        totals_.malformed += malformed;
        if (totals_.events > events_before) ++totals_.sessions;  // a session shows only with a billed call
        write(dir / (sid_ + ".jsonl"), lines);
    }

    void write(const fs::path& path, const std::string& text) {
        fs::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) bench::gen_usage_error("bench_gen_qwen_code", "cannot write " + path.string());
        bytes_ += text.size();
        ++files_;
    }

    bench::GenOptions opt_;
    Rng rng_;
    std::string corpus_;
    std::string sid_, parent_, cwd_;
    Totals totals_;
    std::uint64_t bytes_ = 0;
    std::int64_t files_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const bench::GenOptions options = bench::parse_gen_options("bench_gen_qwen_code", argc, argv);
    Generator generator(options);
    generator.run();
    generator.print();
    return 0;
}
