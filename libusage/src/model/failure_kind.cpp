#include "usage/model/failure_kind.hpp"

namespace usage {

std::optional<std::string> failure_name(std::string_view words) {
    if (words.empty() || words.size() > 40 ||
        words.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos)
        return std::nullopt;
    return std::string(words);
}

std::optional<std::string> http_failure(std::int64_t status) {
    if (status < 100 || status > 599) return std::nullopt;
    return "http_" + std::to_string(status);
}

}  // namespace usage
