#include "usage/scan/utf8_repair.hpp"

#include <cstdint>
#include <cstring>

namespace usage::detail {
namespace {

// Length of the valid UTF-8 sequence starting at p, or 0 (RFC 3629 rules:
// no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t valid_sequence(const unsigned char* p, std::size_t left) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    auto cont = [&](std::size_t i) { return i < left && (p[i] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;
        if (c == 0xED && p[1] > 0x9F) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;
        if (c == 0xF4 && p[1] > 0x8F) return 0;
        return 4;
    }
    return 0;
}

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

}  // namespace

std::size_t repair_utf8(char* data, std::size_t size) {
    auto* p = reinterpret_cast<unsigned char*>(data);
    std::size_t replaced = 0;
    for (std::size_t i = 0; i < size;) {
        // ASCII eight bytes at a time: the scan runs this over every name of
        // every event, and nearly all of them are ASCII.
        std::uint64_t word;
        while (i + sizeof word <= size && (std::memcpy(&word, p + i, sizeof word), (word & kHighBits) == 0))
            i += sizeof word;
        if (i >= size) break;
        std::size_t n = valid_sequence(p + i, size - i);
        if (n == 0) {
            p[i] = '?';
            ++replaced;
            n = 1;
        }
        i += n;
    }
    return replaced;
}

}  // namespace usage::detail
