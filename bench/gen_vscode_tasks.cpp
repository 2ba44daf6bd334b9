// gen_vscode_tasks.cpp — bench_gen_vscode_tasks: writes synthetic but
// realistic task folders of Cline, Roo Code and Kilo Code below OUT (used as
// HOME: OUT/.config/<editor>/User/globalStorage/<extension id>/tasks/<taskId>/)
// of about N bytes in all, and prints on stdout the exact totals a correct
// counter must report per source (rules: docs/sources/cline.md, roo-code.md,
// kilo-code.md). The totals are tracked while writing, not by parsing.
//
//   bench_gen_vscode_tasks --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps: requests still in flight (no usage yet), requests cancelled before
// any usage (all zero), `streaming_failed` requests that carry usage, Cline's
// legacy started/finished pairs, `deleted_api_reqs` / `api_req_deleted`
// aggregates, Cline tasks copied under a second editor (same task id: counted
// once), Cline's OpenAI-compatible providers whose tokensIn includes cached
// reads, Roo's and Kilo's tokensIn including the cache, models named only by
// api_conversation_history.json or task_metadata.json, inline screenshots.
// Same seed and size: byte-identical output.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gen_json_text.hpp"
#include "gen_options.hpp"

namespace fs = std::filesystem;
using bench::Rng;

namespace {

// 2026-03-01T00:00:00Z: every task (at most 118 days older) is later than
// Roo's change of tokensIn (2025-10-31), so Roo's and Kilo's totals are all
// subtracted.
constexpr std::int64_t kEndMs = 1772323200000;
constexpr std::int64_t kDayMs = 86400000;

enum class Tool { cline, roo, kilo };
constexpr const char* kSource[] = {"cline", "roo-code", "kilo-code"};
constexpr const char* kExtension[] = {"saoudrizwan.claude-dev", "rooveterinaryinc.roo-cline", "kilocode.kilo-code"};

struct Totals {
    std::int64_t events = 0, sessions = 0, input = 0, output = 0, cache_read = 0, cache_write = 0, cost_micros = 0;
    std::int64_t tasks = 0;
};

struct Call {
    std::int64_t input = 0, output = 0, cache_read = 0, cache_write = 0, cost_micros = 0;
};

std::string num(std::int64_t v) {
    return std::to_string(v);
}

// A cost in micro-dollars as the tools write USD (an exact decimal).
std::string usd(std::int64_t micros) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(micros / 1000000),
                  static_cast<long long>(micros % 1000000));
    return buf;
}

// `text` as a JSON string literal (the generator's texts are ASCII).
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out + "\"";
}

class Generator {
public:
    explicit Generator(const bench::GenOptions& o) : o_(o), rng_(o.seed) {}

    void run() {
        while (bytes_ < o_.bytes) {
            const auto pick = rng_.range(0, 9);
            task(pick < 5 ? Tool::cline : pick < 8 ? Tool::roo : Tool::kilo);
        }
    }

    void print() const {
        Totals all;
        std::string per;
        for (int t = 0; t < 3; ++t) {
            const Totals& s = totals_[t];
            all.events += s.events;
            all.sessions += s.sessions;
            all.input += s.input;
            all.output += s.output;
            all.cache_read += s.cache_read;
            all.cache_write += s.cache_write;
            all.cost_micros += s.cost_micros;
            if (!per.empty()) per += ", ";
            // Built by append: GCC 12 -O3 warns on "\"" + string (-Wrestrict).
            per.append(1, '"').append(kSource[t]).append("\": ").append(json(s));
        }
        std::printf(
            "{\"events\": %lld, \"sessions\": %lld, \"input\": %lld, \"output\": %lld, \"cache_read\": %lld, "
            "\"cache_write\": %lld, \"total\": %lld, \"reported_cost_micros\": %lld, \"files\": %lld, "
            "\"bytes\": %llu, \"sources\": {%s}}\n",
            ll(all.events), ll(all.sessions), ll(all.input), ll(all.output), ll(all.cache_read), ll(all.cache_write),
            ll(all.input + all.output + all.cache_read + all.cache_write), ll(all.cost_micros), ll(files_),
            static_cast<unsigned long long>(bytes_), per.c_str());
    }

private:
    static long long ll(std::int64_t v) { return static_cast<long long>(v); }

    static std::string json(const Totals& s) {
        return "{\"events\": " + num(s.events) + ", \"sessions\": " + num(s.sessions) + ", \"input\": " + num(s.input) +
               ", \"output\": " + num(s.output) + ", \"cache_read\": " + num(s.cache_read) +
               ", \"cache_write\": " + num(s.cache_write) +
               ", \"total\": " + num(s.input + s.output + s.cache_read + s.cache_write) +
               ", \"reported_cost_micros\": " + num(s.cost_micros) + ", \"tasks\": " + num(s.tasks) + "}";
    }

    fs::path tasks_dir(Tool tool, const char* editor) const {
        return o_.out / ".config" / editor / "User" / "globalStorage" / kExtension[static_cast<int>(tool)] / "tasks";
    }

    Call make_call(bool openai_style) {
        Call c;
        c.input = rng_.range(1, 8000);
        c.output = rng_.range(5, 6000);
        if (rng_.chance(70)) c.cache_read = rng_.range(1000, 180000);
        if (!openai_style && rng_.chance(40)) c.cache_write = rng_.range(100, 30000);
        // $3 / $15 / $0.30 / $3.75 per million, in micro-dollars (rounded).
        c.cost_micros = (c.input * 3 + c.output * 15 + c.cache_write * 375 / 100 + c.cache_read * 3 / 10);
        return c;
    }

    void count(Totals& t, const Call& c) {
        ++t.events;
        t.input += c.input;
        t.output += c.output;
        t.cache_read += c.cache_read;
        t.cache_write += c.cache_write;
        t.cost_micros += c.cost_micros;
    }

    // The usage document of a call as `tool` records it.
    static std::string usage_text(Tool tool, const Call& c, bool openai_style, const std::string& extra) {
        std::int64_t tokens_in = c.input;
        if (tool == Tool::cline && openai_style) tokens_in += c.cache_read;  // OpenAI Compatible: prompt_tokens
        if (tool != Tool::cline) tokens_in += c.cache_read + c.cache_write;  // totalInputTokens
        std::string s = "{";
        if (tool != Tool::cline)
            s += std::string("\"apiProtocol\":\"") + (openai_style ? "openai" : "anthropic") + "\",";
        s += "\"tokensIn\":" + num(tokens_in) + ",\"tokensOut\":" + num(c.output) +
             ",\"cacheWrites\":" + num(c.cache_write) + ",\"cacheReads\":" + num(c.cache_read) +
             ",\"cost\":" + usd(c.cost_micros) + extra;
        if (tool == Tool::kilo) s += ",\"usageMissing\":false,\"inferenceProvider\":\"Anthropic\"";
        return s + "}";
    }

    std::string say(std::int64_t ts, const char* kind, const std::string& text, const std::string& extra = "") {
        return "{\"ts\":" + num(ts) + ",\"type\":\"say\",\"say\":\"" + kind + "\",\"text\":" + quoted(text) + extra +
               "}";
    }

    std::string filler(std::int64_t n) {
        static const char* words[] = {"read", "the",         "file", "then", "apply", "diff",
                                      "to",   "src/main.ts", "and",  "run",  "tests", "again"};
        std::string s;
        while (static_cast<std::int64_t>(s.size()) < n) {
            s += words[rng_.next() % 12];
            s.push_back(' ');
        }
        return s;
    }

    void write(const fs::path& path, const std::string& text) {
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << text;
        bytes_ += text.size();
        ++files_;
    }

    void task(Tool tool) {
        const int t = static_cast<int>(tool);
        Totals& totals = totals_[t];
        std::int64_t ts = kEndMs - rng_.range(2 * 3600000, 118 * kDayMs);
        const std::string id = tool == Tool::cline ? num(ts) + rng_.hex(3)
                                                   : rng_.hex(8) + "-" + rng_.hex(4) + "-4" + rng_.hex(3) + "-a" +
                                                         rng_.hex(3) + "-" + rng_.hex(12);
        // Legacy pairs come from Cline's Anthropic-only days (no provider is
        // recorded to tell an OpenAI-style count apart).
        const bool legacy = tool == Tool::cline && rng_.chance(10);
        const bool openai_style = !legacy && rng_.chance(20);
        const char* model = openai_style ? "gpt-4.1" : "claude-sonnet-4-5-20250929";
        const std::string provider = openai_style ? "openai" : "anthropic";
        const std::string model_info =
            tool == Tool::cline && !legacy
                ? ",\"modelInfo\":{\"providerId\":\"" + provider + "\",\"modelId\":\"" + model + "\",\"mode\":\"act\"}"
                : "";
        std::vector<std::string> messages;
        std::string history = "[";
        messages.push_back(say(ts, "task", filler(rng_.range(40, 600))));
        const auto calls = rng_.range(1, 60);
        bool counted = false;
        for (std::int64_t i = 0; i < calls; ++i) {
            ts += rng_.range(3000, 90000);
            const Call c = make_call(openai_style);
            if (tool != Tool::cline || legacy) {
                // The prompt names the model (Roo, Kilo environment_details).
                if (history.size() > 1) history += ",";
                history += "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" +
                           quoted("<environment_details>\n# Current Mode\n<slug>code</slug>\n<model>" +
                                  std::string(model) + "</model>\n</environment_details>") +
                           "}],\"ts\":" + num(ts - 5) + "}";
            }
            if (legacy) {
                messages.push_back(say(ts, "api_req_started", "{\"request\":" + quoted(filler(200)) + "}"));
                messages.push_back(say(ts + 1, "api_req_finished", usage_text(tool, c, openai_style, "")));
            } else if (rng_.chance(5)) {
                // Cut short after usage arrived: still a billed call.
                messages.push_back(say(ts, "api_req_started",
                                       usage_text(tool, c, openai_style,
                                                  ",\"cancelReason\":\"streaming_failed\",\"streamingFailedMessage\":"
                                                  "\"terminated\""),
                                       model_info));
            } else if (rng_.chance(4)) {
                // Cancelled before any usage: all zero, not a call.
                messages.push_back(say(ts, "api_req_started",
                                       usage_text(tool, Call{}, openai_style, ",\"cancelReason\":\"user_cancelled\""),
                                       model_info));
                continue;
            } else {
                messages.push_back(say(ts, "api_req_started", usage_text(tool, c, openai_style, ""), model_info));
            }
            count(totals, c);
            counted = true;
            std::string extra;
            if (rng_.chance(3)) extra = ",\"images\":[\"data:image/png;base64," + rng_.hex(20000) + "\"]";
            messages.push_back(say(ts + 2, "text", filler(rng_.range(20, 2500)), extra + model_info));
            if (!openai_style && rng_.chance(3)) {
                // A checkpoint restore removed two calls: one aggregate record.
                const Call a = make_call(false), b = make_call(false);
                Call sum{a.input + b.input, a.output + b.output, a.cache_read + b.cache_read,
                         a.cache_write + b.cache_write, a.cost_micros + b.cost_micros};
                ts += 10;
                messages.push_back(say(ts, tool == Tool::cline ? "deleted_api_reqs" : "api_req_deleted",
                                       usage_text(tool, sum, false, "")));
                count(totals, sum);
            }
        }
        // Still streaming when the folder was copied.
        if (rng_.chance(10))
            messages.push_back(
                say(ts + 5000, "api_req_started",
                    tool == Tool::cline ? "{\"request\":\"<task>next</task>\"}" : "{\"apiProtocol\":\"anthropic\"}",
                    model_info));
        std::string text = "[";
        for (std::size_t i = 0; i < messages.size(); ++i) text += (i ? "," : "") + messages[i];
        text += "]";
        const fs::path dir = tasks_dir(tool, "Code") / id;
        write(dir / "ui_messages.json", text);
        if (history.size() > 1) write(dir / "api_conversation_history.json", history + "]");
        // The same task under a second editor: the same ids, counted once.
        if (tool == Tool::cline && rng_.chance(8)) write(tasks_dir(tool, "Cursor") / id / "ui_messages.json", text);
        ++totals.tasks;
        if (counted) ++totals.sessions;
    }

    const bench::GenOptions& o_;
    Rng rng_;
    Totals totals_[3];
    std::uint64_t bytes_ = 0;
    std::int64_t files_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const bench::GenOptions options = bench::parse_gen_options("bench_gen_vscode_tasks", argc, argv);
    try {
        Generator g(options);
        g.run();
        g.print();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gen_vscode_tasks: %s\n", e.what());
        return 1;
    }
    return 0;
}
