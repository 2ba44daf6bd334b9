// gen_droid.cpp — bench_gen_droid: writes a synthetic Factory Droid tree,
// OUT/.factory/sessions/<cwd-slug>/<session>.{settings.json,jsonl}, of about
// N bytes (mostly the .jsonl transcripts, which carry no usage), and prints
// on stdout the exact totals the first sync must report (rules:
// docs/sources/droid.md). The totals are tracked while writing.
//
//   bench_gen_droid --out DIR --bytes N[K|M|G] [--seed S]
//
// Traps: thinkingTokens on top of outputTokens; a `totalTokens` field (never
// read); settings without tokenUsage and sessions with all-zero usage (no
// event); a settings file cut off mid-write (malformed, not counted);
// `custom:` model names in Droid's bring-your-own-key form; sessions directly
// in sessions/ (older layout) besides the slug folders.
// Same seed and size: byte-identical output.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "gen_json_text.hpp"
#include "gen_options.hpp"

namespace fs = std::filesystem;
using bench::Rng;

namespace {

// Droid's session ids: variant nibble always `a` (bench::Rng::uuid() draws
// it), so the corpus stays what it was.
std::string uuid(Rng& rng) {
    return rng.hex(8) + "-" + rng.hex(4) + "-4" + rng.hex(3) + "-a" + rng.hex(3) + "-" + rng.hex(12);
}

constexpr const char* kModels[] = {
    "claude-sonnet-4-5-20250929",
    "claude-opus-4-1-20250805",
    "gpt-5-codex",
    "custom:Claude-Sonnet-4-[Anthropic]",
    "custom:Claude-Opus-4.5-Thinking-[Anthropic]-0",
    "custom:GLM-4.6-[Z.AI]-1",
};

struct Totals {
    long long events = 0, input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write = 0, malformed = 0;
    long long files = 0, bytes = 0;
};

void write(const fs::path& path, const std::string& text, Totals& t) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
    ++t.files;
    t.bytes += static_cast<long long>(text.size());
}

std::string n(long long v) {
    return std::to_string(v);
}

}  // namespace

int main(int argc, char** argv) {
    const bench::GenOptions o = bench::parse_gen_options("bench_gen_droid", argc, argv);
    try {
        Rng rng(o.seed);
        Totals t;
        const fs::path sessions = o.out / ".factory" / "sessions";
        std::string filler;
        while (filler.size() < (1u << 16)) filler += "Read the failing test, then edit src/app.ts and run the suite. ";
        long long i = 0;
        while (static_cast<std::uint64_t>(t.bytes) < o.bytes) {
            ++i;
            const std::string cwd = "/home/dev/src/service-" + n(i % 13);
            std::string slug = cwd;
            for (char& c : slug)
                if (c == '/') c = '-';
            const std::string id = uuid(rng);
            const fs::path dir = i % 10 == 0 ? sessions : sessions / slug;  // older flat layout
            const char* model = kModels[rng.range(0, std::size(kModels) - 1)];
            const long long calls = rng.range(1, 80);
            long long in = 0, out = 0, cw = 0, cr = 0, think = 0;
            for (long long c = 0; c < calls; ++c) {
                in += rng.range(1, 4000);
                out += rng.range(10, 5000);
                cw += rng.range(0, 20000);
                cr += rng.range(0, 150000);
                think += rng.range(0, 2000);
            }
            const int kind = static_cast<int>(rng.range(0, 99));
            std::string settings = std::string(R"({"model":")") + model +
                                   R"(","reasoningEffort":"medium","autonomyMode":"auto-low","providerLock":")" +
                                   (model[0] == 'g' ? "openai" : "anthropic") +
                                   R"(","providerLockTimestamp":"2026-01-02T03:04:05.000Z")";
            if (kind < 4) {
                settings += "}";  // no usage recorded yet
            } else if (kind < 7) {
                settings += R"(,"tokenUsage":{"inputTokens":0,"outputTokens":0,"cacheCreationTokens":0,)"
                            R"("cacheReadTokens":0,"thinkingTokens":0}})";
            } else {
                settings += R"(,"tokenUsage":{"inputTokens":)" + n(in) + R"(,"outputTokens":)" + n(out) +
                            R"(,"cacheCreationTokens":)" + n(cw) + R"(,"cacheReadTokens":)" + n(cr) +
                            R"(,"thinkingTokens":)" + n(think) + R"(,"totalTokens":)" + n(in + out + cw + cr + think) +
                            "}}";
                if (kind < 9) {
                    settings.resize(settings.size() / 2);  // cut off mid-write
                    ++t.malformed;
                } else {
                    ++t.events;
                    t.input += in;
                    t.output += out + think;
                    t.reasoning += think;
                    t.cache_write += cw;
                    t.cache_read += cr;
                }
            }
            write(dir / (id + ".settings.json"), settings, t);
            std::string jsonl = R"({"type":"session_start","id":")" + id +
                                R"(","title":"Fix the flaky test","sessionTitle":"Fix the flaky test","owner":"dev",)"
                                R"("version":2,"cwd":")" +
                                cwd + "\"}\n";
            for (long long c = 0; c < 2 * calls; ++c) {
                const auto size = static_cast<std::size_t>(rng.range(60, 4000));
                jsonl += R"({"type":"message","id":")" + uuid(rng) + R"(","timestamp":"2026-01-02T03:04:)" +
                         std::string(c % 60 < 10 ? "0" : "") + n(c % 60) + R"(.000Z","message":{"role":")" +
                         (c % 2 ? "assistant" : "user") + R"(","content":[{"type":"text","text":")" +
                         filler.substr(static_cast<std::size_t>(rng.range(0, 4096)), size) + "\"}]}}\n";
            }
            write(dir / (id + ".jsonl"), jsonl, t);
        }
        std::printf(
            "{\"events\": %lld, \"sessions\": %lld, \"input\": %lld, \"output\": %lld, \"reasoning\": %lld, "
            "\"cache_read\": %lld, \"cache_write\": %lld, \"total\": %lld, \"malformed\": %lld, \"files\": %lld, "
            "\"bytes\": %lld}\n",
            t.events, t.events, t.input, t.output, t.reasoning, t.cache_read, t.cache_write,
            t.input + t.output + t.cache_read + t.cache_write, t.malformed, t.files, t.bytes);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gen_droid: %s\n", e.what());
        return 1;
    }
    return 0;
}
