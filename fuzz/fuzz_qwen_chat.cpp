// Feeds a Qwen Code chat file to the plugin's own scan(): whole from offset
// 0, then again in two scans split at a line, the second continuing from the
// first's offset and state (the pending telemetry call): scan() reads paths,
// so the bytes go to a tmpfs file first.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "usage/scan/source.hpp"

using namespace usage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fuzz::TempDir dir;
    static const SourcePlugin* qwen = find_source_plugin("qwen-code");
    if (qwen == nullptr) __builtin_trap();
    const std::string_view text = fuzz::as_text(data, size);
    SourceFile file{dir.write("5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d.jsonl", text),
                    "main",
                    "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "-home-ann-src-shop",
                    {}};
    // scan() throws only for a file it cannot read: an exception here is a finding.
    (void)qwen->scan(file, ScanStart{});
    const auto half = text.find('\n', text.size() / 2);
    if (half == std::string_view::npos) return 0;
    file.path = dir.write("5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d.jsonl", text.substr(0, half + 1));
    const ScanResult first = qwen->scan(file, ScanStart{});
    file.path = dir.write("5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d.jsonl", text);
    (void)qwen->scan(file, ScanStart{first.offset, first.state});
    return 0;
}
