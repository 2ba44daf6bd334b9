// Feeds a Gemini CLI session file to the plugin's own scan(), as a legacy
// session-*.json (whole parse, then the salvage of a document cut off
// mid-write) and as a .jsonl (head record, then each message line): scan()
// reads paths, so the bytes go to a tmpfs file first.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "usage/scan/source.hpp"

using namespace usage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fuzz::TempDir dir;
    static const SourcePlugin* gemini = find_source_plugin("gemini-cli");
    if (gemini == nullptr) __builtin_trap();
    const std::string_view text = fuzz::as_text(data, size);
    for (const char* name : {"session-2026-01-27T17-46-0d6c2a4e.json", "session-2026-01-27T17-46-0d6c2a4e.jsonl"}) {
        SourceFile file{dir.write(name, text), "main", "0d6c2a4e", "fuzz-project", {}};
        if (file.path.extension() == ".json") file.mode = ReadMode::snapshot;
        // scan() throws only for a file it cannot read: an exception here is a finding.
        (void)gemini->scan(file, ScanStart{});
    }
    return 0;
}
