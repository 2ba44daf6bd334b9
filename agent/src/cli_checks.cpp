#include "cli_checks.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace agent {

CLI::Validator non_empty() {
    return CLI::Validator([](std::string& value) { return value.empty() ? std::string("must not be empty") : ""; }, "");
}

CLI::Validator integer_at_least(std::int64_t min) {
    return CLI::Validator(
        [min](std::string& value) {
            std::int64_t n = 0;
            const char* end = value.data() + value.size();
            auto [stop, ec] = std::from_chars(value.data(), end, n);
            if (value.empty() || ec != std::errc() || stop != end || n < min)
                return "must be an integer of at least " + std::to_string(min) + ", got '" + value + "'";
            return std::string();
        },
        "");
}

CLI::Validator one_of(std::string what, std::vector<std::string> names) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return CLI::Validator(
        [what = std::move(what), names = std::move(names), known](std::string& value) {
            if (std::find(names.begin(), names.end(), value) != names.end()) return std::string();
            return "unknown " + what + " '" + value + "' (known: " + known + ")";
        },
        "{" + known + "}");
}

CLI::Validator existing_file() {
    return CLI::Validator(
        [](std::string& value) {
            std::error_code ec;
            if (std::filesystem::is_directory(value, ec)) return value + ": is a directory, not a file";
            if (!std::filesystem::exists(value, ec)) return value + ": no such file";
            return std::string();
        },
        "");
}

CLI::Validator existing_folder() {
    return CLI::Validator(
        [](std::string& value) {
            std::error_code ec;
            if (std::filesystem::is_directory(value, ec)) return std::string();
            if (std::filesystem::exists(value, ec)) return value + ": not a folder";
            return value + ": no such folder";
        },
        "");
}

}  // namespace agent
