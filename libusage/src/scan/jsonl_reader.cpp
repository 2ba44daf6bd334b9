// Streaming JSONL reader: needle-first scanning with bounded memory.
//
// The buffer only ever holds the current chunk plus one partial line. A line
// longer than the buffer that holds no needle is skipped without being kept;
// one that does hold a needle is read again in one piece with pread, so the
// worst case is one copy of that line.
#include "usage/scan/jsonl_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usage/os/unique_fd.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace usage {
namespace {

constexpr std::size_t kMaxInitialBuffer = std::size_t{1} << 21;
constexpr std::size_t kMinBuffer = std::size_t{1} << 16;

class Buffer {
public:
    explicit Buffer(std::size_t capacity)
        : capacity_(capacity), data_(std::make_unique_for_overwrite<char[]>(capacity + kJsonlPadding)) {}
    [[nodiscard]] char* data() const { return data_.get(); }
    [[nodiscard]] std::size_t capacity() const { return capacity_; }
    void grow(std::size_t keep) {
        Buffer bigger(capacity_ * 2);
        std::memcpy(bigger.data(), data(), keep);
        *this = std::move(bigger);
    }

private:
    std::size_t capacity_;
    std::unique_ptr<char[]> data_;
};

// Substring search on the hot path. glibc's memmem is a general two-way
// search; transcripts are mostly JSON text, so we filter many positions at a
// time on three needle bytes (SIMD "generic substring search", W. Mula) and
// verify the rare candidates. The first two bytes and the last one: for a key
// needle like `"usage"` that is the opening quote, the key's first letter and
// the closing quote, a combination other keys ("uuid", "userType") and prose
// almost never produce, so nearly every candidate is a hit. AVX2 is chosen at
// run time where the CPU has it; SSE2 is the x86-64 baseline.
#if defined(__x86_64__)
// The needle's inner bytes at a candidate whose three filter bytes matched.
inline bool inner_matches(const char* at, std::string_view needle) {
    for (std::size_t k = 2; k + 1 < needle.size(); ++k)
        if (at[k] != needle[k]) return false;
    return true;
}

__attribute__((target("avx2"))) const char* find_needle_avx2(const char* hay, std::size_t n, std::string_view needle) {
    const std::size_t m = needle.size();
    const __m256i v0 = _mm256_set1_epi8(needle[0]);
    const __m256i v1 = _mm256_set1_epi8(needle[1]);
    const __m256i vl = _mm256_set1_epi8(needle[m - 1]);
    std::size_t i = 0;
    for (; i + 32 + m <= n; i += 32) {
        const __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hay + i));
        const __m256i c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hay + i + 1));
        const __m256i cl = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hay + i + m - 1));
        const __m256i hit = _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(c0, v0), _mm256_cmpeq_epi8(c1, v1)),
                                             _mm256_cmpeq_epi8(cl, vl));
        auto mask = static_cast<unsigned>(_mm256_movemask_epi8(hit));
        while (mask) {
            const unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
            if (inner_matches(hay + i + bit, needle)) return hay + i + bit;
            mask &= mask - 1;
        }
    }
    return static_cast<const char*>(::memmem(hay + i, n - i, needle.data(), m));
}

const char* find_needle_sse2(const char* hay, std::size_t n, std::string_view needle) {
    const std::size_t m = needle.size();
    const __m128i v0 = _mm_set1_epi8(needle[0]);
    const __m128i v1 = _mm_set1_epi8(needle[1]);
    const __m128i vl = _mm_set1_epi8(needle[m - 1]);
    std::size_t i = 0;
    for (; i + 16 + m <= n; i += 16) {
        const __m128i c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i));
        const __m128i c1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + 1));
        const __m128i cl = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + m - 1));
        const __m128i hit =
            _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(c0, v0), _mm_cmpeq_epi8(c1, v1)), _mm_cmpeq_epi8(cl, vl));
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
        while (mask) {
            const unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
            if (inner_matches(hay + i + bit, needle)) return hay + i + bit;
            mask &= mask - 1;
        }
    }
    return static_cast<const char*>(::memmem(hay + i, n - i, needle.data(), m));
}
#endif

const char* find_needle(const char* hay, std::size_t n, std::string_view needle) {
    const std::size_t m = needle.size();
    if (m == 0) return hay;
    if (n < m) return nullptr;
#if defined(__x86_64__)
    if (m >= 4) {
        static const bool avx2 = __builtin_cpu_supports("avx2");
        return avx2 ? find_needle_avx2(hay, n, needle) : find_needle_sse2(hay, n, needle);
    }
#endif
    return static_cast<const char*>(::memmem(hay, n, needle.data(), m));
}

bool contains(const char* p, std::size_t n, std::string_view needle) {
    return find_needle(p, n, needle) != nullptr;
}

std::size_t read_some(const UniqueFd& file, const std::filesystem::path& path, char* dst, std::size_t n) {
    for (;;) {
        ssize_t got = ::read(file.get(), dst, n);
        if (got >= 0) return static_cast<std::size_t>(got);
        if (errno != EINTR) throw std::runtime_error(path.string() + ": read failed: " + std::strerror(errno));
    }
}

void pread_all(const UniqueFd& file, const std::filesystem::path& path, char* dst, std::size_t n,
               std::uint64_t offset) {
    std::size_t got = 0;
    while (got < n) {
        ssize_t r = ::pread(file.get(), dst + got, n - got, static_cast<off_t>(offset + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) throw std::runtime_error(path.string() + ": short read of a long line");
        got += static_cast<std::size_t>(r);
    }
}

void strip_cr(char* line, std::size_t& size) {
    if (size > 0 && line[size - 1] == '\r') --size;
}

}  // namespace

JsonlReadResult read_jsonl_matches(const std::filesystem::path& path, std::uint64_t start_offset,
                                   std::string_view needle, const JsonlLineHandler& on_line) {
    struct stat st {};
    const UniqueFd file = open_read_only(path, &st);
    if (start_offset > 0 && ::lseek(file.get(), static_cast<off_t>(start_offset), SEEK_SET) < 0)
        throw std::runtime_error(path.string() + ": seek failed: " + std::strerror(errno));
    ::posix_fadvise(file.get(), static_cast<off_t>(start_offset), 0, POSIX_FADV_SEQUENTIAL);

    // Size the buffer to what is left of the file: most transcripts are small,
    // and a fresh multi-MB buffer per file costs page faults for nothing.
    std::size_t initial = kMaxInitialBuffer;
    if (st.st_size >= 0) {
        auto left = static_cast<std::uint64_t>(st.st_size) > start_offset
                        ? static_cast<std::uint64_t>(st.st_size) - start_offset
                        : 0;
        initial = static_cast<std::size_t>(std::clamp<std::uint64_t>(left + 1, kMinBuffer, kMaxInitialBuffer));
    }
    Buffer buf(initial);
    std::uint64_t base = start_offset;  // file offset of buf[0]
    std::size_t len = 0;
    JsonlReadResult result{start_offset, 0};

    // A line longer than the buffer: we keep only a carry of needle-1 bytes
    // so a needle straddling two chunks is still seen.
    bool skipping = false;
    bool skip_hit = false;
    std::uint64_t skip_start = 0;
    const std::size_t carry = needle.empty() ? 0 : needle.size() - 1;

    auto emit = [&](char* line, std::size_t size, std::uint64_t offset) {
        strip_cr(line, size);
        on_line(line, size, offset);
    };

    for (;;) {
        char* b = buf.data();
        if (len == buf.capacity()) {
            // Full and no newline in it (the processing below guarantees that).
            bool hit = contains(b, len, needle);
            if (!skipping && hit) {
                buf.grow(len);
                b = buf.data();
            } else {
                if (!skipping) {
                    skipping = true;
                    skip_hit = false;
                    skip_start = base;
                }
                skip_hit = skip_hit || hit;
                std::size_t keep = std::min(len, carry);
                std::memmove(b, b + len - keep, keep);
                base += len - keep;
                len = keep;
            }
        }
        std::size_t n = read_some(file, path, b + len, buf.capacity() - len);
        if (n == 0) break;  // EOF: whatever follows end_offset is an incomplete line
        result.bytes_read += n;
        std::size_t old_len = len;
        len += n;
        std::size_t pos = 0;

        if (skipping) {
            auto* nl = static_cast<char*>(std::memchr(b + old_len, '\n', len - old_len));
            if (!nl) continue;
            std::size_t q = static_cast<std::size_t>(nl - b);
            skip_hit = skip_hit || contains(b, q, needle);
            std::uint64_t line_end = base + q;
            if (skip_hit) {
                std::size_t size = static_cast<std::size_t>(line_end - skip_start);
                Buffer line(size);
                pread_all(file, path, line.data(), size, skip_start);
                emit(line.data(), size, skip_start);
            }
            skipping = false;
            pos = q + 1;
            result.end_offset = line_end + 1;
        }

        auto* last_nl = static_cast<char*>(::memrchr(b + pos, '\n', len - pos));
        if (last_nl) {
            std::size_t p = static_cast<std::size_t>(last_nl - b);
            std::size_t search = pos;
            while (search < p) {
                auto* h = const_cast<char*>(find_needle(b + search, p - search, needle));
                if (!h) break;
                auto* ls = static_cast<char*>(::memrchr(b + pos, '\n', static_cast<std::size_t>(h - (b + pos))));
                std::size_t line_start = ls ? static_cast<std::size_t>(ls - b) + 1 : pos;
                auto* le = static_cast<char*>(std::memchr(h, '\n', static_cast<std::size_t>(b + p + 1 - h)));
                std::size_t line_end = static_cast<std::size_t>(le - b);
                emit(b + line_start, line_end - line_start, base + line_start);
                search = line_end + 1;
            }
            pos = p + 1;
            result.end_offset = base + pos;
        }
        std::memmove(b, b + pos, len - pos);
        base += pos;
        len -= pos;
    }
    return result;
}

}  // namespace usage
