#include "sync/folder_segments.hpp"

#include <charconv>
#include <cstdio>

namespace usage::sync {

std::string segment_name(std::uint64_t seq, std::uint64_t nonce) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%08llu-%016llx", static_cast<unsigned long long>(seq),
                  static_cast<unsigned long long>(nonce));
    return std::string(buf) + std::string(kSegmentSuffix);
}

std::optional<std::uint64_t> segment_seq(std::string_view name) {
    if (name.empty() || name.front() == '.' || !name.ends_with(kSegmentSuffix)) return std::nullopt;
    std::uint64_t seq = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), seq);
    if (ec != std::errc() || end == name.data() || *end != '-') return std::nullopt;
    return seq;
}

}  // namespace usage::sync
