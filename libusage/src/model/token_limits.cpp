#include "usage/model/token_limits.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "usage/os/unique_fd.hpp"

namespace usage {
namespace {

constexpr std::size_t kMaxQuoted = 40;

// Lines (newlines + 1) in the first `offset` bytes of `file`; 0 when it
// cannot be read.
std::uint64_t line_at(const std::filesystem::path& file, std::uint64_t offset) {
    const UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return 0;
    std::array<char, 1 << 16> buf;
    std::uint64_t line = 1, done = 0;
    while (done < offset) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), offset - done));
        const ssize_t n = ::pread(fd.get(), buf.data(), want, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            line = 0;
            break;
        }
        line += static_cast<std::uint64_t>(std::count(buf.data(), buf.data() + n, '\n'));
        done += static_cast<std::uint64_t>(n);
    }
    return line;
}

}  // namespace

std::string quoted_value(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    const bool cut = text.size() > kMaxQuoted;
    std::string out(text.substr(0, kMaxQuoted));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    if (cut) out += "...";
    return out;
}

void InvalidEvents::add(const RecordPlace& place, std::string_view field, std::string_view value,
                        std::string_view rule) {
    if (count++ > 0) return;
    first_place = place;
    first_field.assign(field);
    first_value = quoted_value(value);
    first_rule.assign(rule);
}

void InvalidEvents::resolve_line(const std::filesystem::path& file) {
    if (count == 0 || first_place.line != 0 || !first_place.offset) return;
    first_place.line = line_at(file, *first_place.offset);
}

std::string InvalidEvents::warning(const std::filesystem::path& file) const {
    // Appended piece by piece: `"literal" + string` chains trip GCC 12's
    // -Wrestrict false positive at -O3.
    std::string out = file.string();
    if (first_place.line != 0) {
        out.append(":").append(std::to_string(first_place.line)).append(":");
    } else if (!first_place.row.empty()) {
        out.append(": ").append(first_place.row).append(":");
    } else {
        out.append(":");
    }
    out.append(" ").append(first_field).append(" is ").append(first_value).append(", ").append(first_rule);
    out.append(": event skipped (").append(std::to_string(count));
    out.append(count == 1 ? " invalid event" : " invalid events").append(" in this file)");
    return out;
}

}  // namespace usage
