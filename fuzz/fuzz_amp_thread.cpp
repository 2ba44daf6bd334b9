// Feeds an Amp thread file (`threads/T-*.json`, one JSON document) to the
// plugin's own scan(): scan() reads paths, so the bytes go to a tmpfs file
// first.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "usage/scan/source.hpp"

using namespace usage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fuzz::TempDir dir;
    static const SourcePlugin* amp = find_source_plugin("amp");
    if (amp == nullptr) __builtin_trap();
    SourceFile file{dir.write("T-7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8.json", fuzz::as_text(data, size)),
                    "thread",
                    "T-7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8",
                    "",
                    {}};
    file.mode = ReadMode::snapshot;
    // scan() throws only for a file it cannot read: an exception here is a finding.
    (void)amp->scan(file, ScanStart{});
    return 0;
}
