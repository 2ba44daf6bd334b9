#include "usage/sync/folder_url.hpp"

#include <cctype>
#include <stdexcept>
#include <string>

namespace usage::sync {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

}  // namespace

bool is_folder_url(std::string_view url) {
    return starts_with_nocase(url, "file:");
}

std::filesystem::path folder_of_url(std::string_view url) {
    const std::string usage = "must be file:///ABSOLUTE/FOLDER (three slashes: no host, no relative path)";
    if (!starts_with_nocase(url, "file://")) throw std::invalid_argument(usage);
    std::string_view rest = url.substr(7);
    if (!rest.starts_with('/')) throw std::invalid_argument(usage);
    std::string path;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] != '%') {
            path += rest[i];
            continue;
        }
        const int hi = i + 2 < rest.size() ? hex_digit(rest[i + 1]) : -1;
        const int lo = i + 2 < rest.size() ? hex_digit(rest[i + 2]) : -1;
        if (hi < 0 || lo < 0) throw std::invalid_argument("has a '%' that is not followed by two hex digits");
        if (hi == 0 && lo == 0) throw std::invalid_argument("must not contain %00");
        path += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return std::filesystem::path(path).lexically_normal();
}

}  // namespace usage::sync
