// gen_claude_text.hpp — deterministic randomness, ids, timestamps and JSON
// string filler for bench_gen_claude_tree.
//
// Everything is driven by one Rng so that a seed reproduces a corpus.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bench {

// xoshiro256** seeded through splitmix64: fast, and identical on every
// platform (std:: distributions are not, which would break determinism).
class Rng {
public:
    explicit Rng(std::uint64_t seed);
    std::uint64_t next();
    std::uint64_t below(std::uint64_t n);                       // [0, n)
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi);  // [lo, hi]
    double unit();                                              // [0, 1)
    bool chance(double probability);
    // Log-uniform in [lo, hi]: the building block of heavy-tailed sizes.
    std::uint64_t log_uniform(std::uint64_t lo, std::uint64_t hi);
    // Pareto(alpha) with minimum 1, truncated at cap.
    double pareto(double alpha, double cap);

private:
    std::uint64_t state_[4];
};

std::string random_uuid(Rng& rng);
std::string random_base62(Rng& rng, std::size_t length);
std::string random_hex(Rng& rng, std::size_t length);
void append_uint(std::string& out, std::uint64_t value);
// 2025-09-03T00:47:19.293Z
void append_iso_timestamp(std::string& out, std::int64_t unix_ms);

// A large block of JSON-escaped text (code, prose, multi-byte UTF-8, escaped
// quotes, transcript-looking `\"usage\":` snippets) that slices are cut from.
// Slices start and end only at ASCII spaces, which never occur inside an
// escape sequence or a multi-byte character, so every slice is valid.
class FillerText {
public:
    FillerText(std::uint64_t seed, std::size_t bytes);
    // Appends at most `length` bytes (usually within a few bytes of it).
    void append(std::string& out, Rng& rng, std::size_t length) const;
    [[nodiscard]] std::size_t size() const { return text_.size(); }

private:
    std::string text_;
};

}  // namespace bench
