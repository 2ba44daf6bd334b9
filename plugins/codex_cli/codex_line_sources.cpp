#include "codex_line_sources.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "usage/os/unique_fd.hpp"
#include "usage/scan/jsonl_reader.hpp"

namespace usage::plugins::codex {
namespace {

class FileHandle {
public:
    explicit FileHandle(const std::filesystem::path& path) : path_(path), fd_(open_read_only(path)) {}

    std::size_t read_some(char* dst, std::size_t n) const {
        for (;;) {
            ssize_t got = ::read(fd_.get(), dst, n);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno != EINTR) throw std::runtime_error(path_.string() + ": read failed: " + std::strerror(errno));
        }
    }

private:
    const std::filesystem::path& path_;
    UniqueFd fd_;
};

struct DctxDeleter {
    void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};

void strip_cr(std::size_t& size, const char* line) {
    if (size > 0 && line[size - 1] == '\r') --size;
}

// Splits a stream of decompressed chunks into lines. A line that lies whole
// inside a chunk is handed over in place; only lines spanning chunks are
// assembled, and only when `wanted` keeps them.
class LineAssembler {
public:
    static constexpr std::size_t kHead = 256;

    LineAssembler(const std::function<bool(std::string_view)>& wanted, const LineSink& sink)
        : wanted_(wanted), sink_(sink) {}

    /// `data` has kJsonlPadding readable bytes after `n`.
    void feed(char* data, std::size_t n) {
        std::size_t pos = 0;
        while (pos < n) {
            auto* nl = static_cast<char*>(std::memchr(data + pos, '\n', n - pos));
            const std::size_t end = nl ? static_cast<std::size_t>(nl - data) : n;
            if (nl && len_ == 0 && !skipping_) {
                std::size_t size = end - pos;
                strip_cr(size, data + pos);
                if (size > 0 && wanted_(std::string_view(data + pos, std::min(size, kHead))))
                    sink_(data + pos, size, n + kJsonlPadding - pos, number_);
                ++number_;
            } else {
                if (!skipping_) append(data + pos, end - pos);
                if (nl) finish_line();
            }
            pos = end + 1;
        }
    }

private:
    void append(const char* p, std::size_t n) {
        if (len_ + n + kJsonlPadding > buf_.size()) buf_.resize(std::max(buf_.size() * 2, len_ + n + kJsonlPadding));
        std::memcpy(buf_.data() + len_, p, n);
        len_ += n;
        if (!decided_ && len_ >= kHead) {
            decided_ = true;
            if (!wanted_(std::string_view(buf_.data(), kHead))) {
                skipping_ = true;  // the rest of this line is dropped unseen
                len_ = 0;
            }
        }
    }

    void finish_line() {
        if (!skipping_ && len_ > 0) {
            std::size_t size = len_;
            strip_cr(size, buf_.data());
            if (size > 0 && (decided_ || wanted_(std::string_view(buf_.data(), std::min(size, kHead)))))
                sink_(buf_.data(), size, buf_.size(), number_);
        }
        ++number_;
        len_ = 0;
        skipping_ = false;
        decided_ = false;
    }

    const std::function<bool(std::string_view)>& wanted_;
    const LineSink& sink_;
    std::vector<char> buf_;
    std::size_t len_ = 0;
    std::uint64_t number_ = 1;  ///< of the line being read
    bool skipping_ = false;
    bool decided_ = false;
};

}  // namespace

std::uint64_t read_leading_lines(const std::filesystem::path& path, std::uint64_t max_bytes,
                                 const std::function<bool(std::string_view)>& wanted, const LineSink& sink) {
    constexpr std::size_t kHead = LineAssembler::kHead;
    FileHandle file(path);
    std::vector<char> buf((std::size_t{64} << 10) + kJsonlPadding);
    std::size_t len = 0;
    std::uint64_t base = 0;      // file offset of buf[0]
    std::uint64_t accepted = 0;  // offset after the last accepted line
    std::uint64_t number = 1;
    for (;;) {
        if (len + kJsonlPadding == buf.size()) {
            if (base + len >= max_bytes) return accepted;
            buf.resize((buf.size() - kJsonlPadding) * 2 + kJsonlPadding);
        }
        const std::size_t n = file.read_some(buf.data() + len, buf.size() - kJsonlPadding - len);
        if (n == 0) return accepted;  // EOF: an incomplete line is not a line yet
        len += n;
        std::size_t pos = 0;
        while (auto* nl = static_cast<char*>(std::memchr(buf.data() + pos, '\n', len - pos))) {
            const std::size_t end = static_cast<std::size_t>(nl - buf.data());
            std::size_t size = end - pos;
            strip_cr(size, buf.data() + pos);
            if (!wanted(std::string_view(buf.data() + pos, std::min(size, kHead)))) return accepted;
            if (!sink(buf.data() + pos, size, buf.size() - pos, number++)) return accepted;
            accepted = base + end + 1;
            pos = end + 1;
        }
        // The next line is still incomplete: no need to finish a long one we do not want.
        if (len - pos >= kHead && !wanted(std::string_view(buf.data() + pos, kHead))) return accepted;
        std::memmove(buf.data(), buf.data() + pos, len - pos);
        base += pos;
        len -= pos;
    }
}

ZstdLines read_zstd_lines(const std::filesystem::path& path, const std::function<bool(std::string_view)>& wanted,
                          const LineSink& sink) {
    FileHandle file(path);
    std::unique_ptr<ZSTD_DCtx, DctxDeleter> dctx(ZSTD_createDCtx());
    if (!dctx) throw std::runtime_error(path.string() + ": cannot create a zstd decoder");
    std::vector<char> in(ZSTD_DStreamInSize());
    const std::size_t out_size = ZSTD_DStreamOutSize();
    std::vector<char> out(out_size + kJsonlPadding);
    LineAssembler lines(wanted, sink);
    ZstdLines result;
    std::size_t last_ret = 0;  // 0 = at a frame boundary
    for (;;) {
        const std::size_t n = file.read_some(in.data(), in.size());
        if (n == 0) break;
        result.compressed_bytes += n;
        ZSTD_inBuffer input{in.data(), n, 0};
        ZSTD_outBuffer output{out.data(), out_size, 0};
        do {
            output.pos = 0;
            last_ret = ZSTD_decompressStream(dctx.get(), &output, &input);
            if (ZSTD_isError(last_ret))
                throw std::runtime_error(path.string() + ": zstd: " + ZSTD_getErrorName(last_ret) + " (after " +
                                         std::to_string(result.compressed_bytes) + " compressed bytes)");
            lines.feed(out.data(), output.pos);
        } while (input.pos < input.size || output.pos == output.size);
    }
    result.complete = last_ret == 0;
    return result;
}

}  // namespace usage::plugins::codex
