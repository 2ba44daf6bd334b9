// gzip bodies through zlib's streaming API, output bounded.
#include "usage/net/gzip.hpp"

#include <zlib.h>

#include <array>
#include <memory>

namespace usage {
namespace {

struct DeflateStream {
    z_stream z{};
    DeflateStream() {
        // windowBits 15 + 16: gzip framing instead of a raw zlib header.
        if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw GzipError("gzip: deflateInit2 failed");
    }
    ~DeflateStream() { deflateEnd(&z); }
    DeflateStream(const DeflateStream&) = delete;
    DeflateStream& operator=(const DeflateStream&) = delete;
};

struct InflateStream {
    z_stream z{};
    InflateStream() {
        if (inflateInit2(&z, 15 + 16) != Z_OK) throw GzipError("gzip: inflateInit2 failed");
    }
    ~InflateStream() { inflateEnd(&z); }
    InflateStream(const InflateStream&) = delete;
    InflateStream& operator=(const InflateStream&) = delete;
};

}  // namespace

std::string gzip_compress(std::string_view data) {
    DeflateStream s;
    std::string out;
    out.resize(deflateBound(&s.z, static_cast<uLong>(data.size())) + 32);
    s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.z.avail_in = static_cast<uInt>(data.size());
    s.z.next_out = reinterpret_cast<Bytef*>(out.data());
    s.z.avail_out = static_cast<uInt>(out.size());
    if (deflate(&s.z, Z_FINISH) != Z_STREAM_END) throw GzipError("gzip: deflate did not finish");
    out.resize(s.z.total_out);
    return out;
}

std::string gzip_decompress(std::string_view data, std::size_t max_output) {
    InflateStream s;
    std::string out;
    std::array<char, 64 * 1024> chunk{};
    s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.z.avail_in = static_cast<uInt>(data.size());
    for (;;) {
        s.z.next_out = reinterpret_cast<Bytef*>(chunk.data());
        s.z.avail_out = static_cast<uInt>(chunk.size());
        int rc = inflate(&s.z, Z_NO_FLUSH);
        // No progress with all input used: the body ends before its stream does.
        if (rc == Z_BUF_ERROR && s.z.avail_in == 0) throw GzipError("gzip: truncated compressed body");
        if (rc != Z_OK && rc != Z_STREAM_END) throw GzipError("gzip: invalid compressed body");
        std::size_t got = chunk.size() - s.z.avail_out;
        if (out.size() + got > max_output)
            throw GzipTooLarge("gzip: body expands beyond " + std::to_string(max_output) + " bytes");
        out.append(chunk.data(), got);
        if (rc == Z_STREAM_END) return out;
        if (s.z.avail_in == 0 && got == 0) throw GzipError("gzip: truncated compressed body");
    }
}

}  // namespace usage
