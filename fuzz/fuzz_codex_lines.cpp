// Feeds a Codex rollout (split at '\n') through the plugin's RolloutCounter as
// a .zst rollout is read whole: classify_prefix/classify_line,
// parse_session_meta, parse_turn_line and the cumulative-usage arithmetic
// behind them, then the round trip of the ThreadState the cursor keeps.
#include <cstddef>
#include <cstdint>

#include "codex_counter.hpp"
#include "codex_lines.hpp"
#include "codex_state.hpp"
#include "fuzz_input.hpp"
#include "usage/scan/jsonl_reader.hpp"

using namespace usage;
namespace codex = usage::plugins::codex;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A home with no config.toml: the model comes from the lines alone.
    static const SourceFile file{
        "/nonexistent-fuzz/.codex/sessions/2026/03/01/"
        "rollout-2026-03-01T09-00-00-019ca8a0-3e80-7001-8001-0000c0de0001.jsonl",
        "main",
        "019ca8a0-3e80-7001-8001-0000c0de0001",
        "",
        {}};
    ScanResult result;
    codex::ThreadState state;
    codex::RolloutCounter counter(file, state, result);
    bool leading = true;
    std::uint64_t number = 0;
    fuzz::for_each_line(fuzz::as_text(data, size), 64, [&](std::string_view text) {
        ++number;
        // The classifier reads only the head, the parsers the padded line.
        (void)codex::classify_prefix(text);
        fuzz::PaddedCopy line(text, kJsonlPadding);
        if (leading) {
            if (counter.leading_line(line.data(), line.size(), line.capacity())) return;
            leading = false;
            counter.end_leading();
        }
        counter.line(line.data(), line.size(), line.capacity(), RecordPlace::at_line(number));
    });
    if (leading) counter.end_leading();
    const std::string saved = codex::encode_state(state);
    (void)codex::decode_state(saved);
    return 0;
}
