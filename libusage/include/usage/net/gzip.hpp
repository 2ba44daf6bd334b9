// usage/net/gzip.hpp — gzip (RFC 1952) bodies for the sync protocol, with a hard
// limit on what a body may expand to so a "gzip bomb" costs nothing.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace usage {

/// The body is not valid gzip.
class GzipError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The body would expand beyond the allowed size.
class GzipTooLarge : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string gzip_compress(std::string_view data);

/// Decompress, throwing GzipTooLarge as soon as the output would exceed
/// `max_output` bytes (never allocating more than that).
std::string gzip_decompress(std::string_view data, std::size_t max_output);

}  // namespace usage
