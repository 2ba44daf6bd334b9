// Feeds gzip bodies to gzip_decompress under a limit taken from the first two
// input bytes (0..64 KiB), as `serve` inflates every upload: the limit must
// hold exactly (never more output, GzipTooLarge instead) and junk must be
// GzipError. Then the bytes themselves round-trip through gzip_compress.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "usage/net/gzip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t limit = static_cast<std::size_t>(data[0]) << 8 | data[1];
    const std::string_view body = fuzz::as_text(data + 2, size - 2);
    try {
        const std::string out = usage::gzip_decompress(body, limit);
        if (out.size() > limit) __builtin_trap();
    } catch (const usage::GzipTooLarge&) {
    } catch (const usage::GzipError&) {
    }

    // What the agent sends decompresses to itself, and needs its full size.
    const std::string packed = usage::gzip_compress(body);
    if (usage::gzip_decompress(packed, body.size()) != body) __builtin_trap();
    if (!body.empty()) {
        try {
            (void)usage::gzip_decompress(packed, body.size() - 1);
            __builtin_trap();
        } catch (const usage::GzipTooLarge&) {
        }
    }
    return 0;
}
