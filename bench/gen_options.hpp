// Command-line options shared by the corpus generators:
// `--out DIR --bytes N[K|M|G] [--seed S]`. Standard library only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bench {

struct GenOptions {
    std::filesystem::path out;
    std::uint64_t bytes = 0;
    std::uint64_t seed = 1;
};

/// "123", "64K", "500M", "1G" (powers of 1024); nullopt when malformed.
inline std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t value = 0;
    std::size_t at = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at)
        value = value * 10 + static_cast<std::uint64_t>(text[at] - '0');
    if (at == 0) return std::nullopt;
    const std::string_view suffix = text.substr(at);
    if (suffix.empty()) return value;
    if (suffix == "K" || suffix == "k") return value << 10;
    if (suffix == "M" || suffix == "m") return value << 20;
    if (suffix == "G" || suffix == "g") return value << 30;
    return std::nullopt;
}

/// Print "PROGRAM: message" and the usage line, exit 2.
[[noreturn]] inline void gen_usage_error(const char* program, const std::string& message) {
    std::fprintf(stderr, "%s: %s\nusage: %s --out DIR --bytes N[K|M|G] [--seed S]\n", program, message.c_str(),
                 program);
    std::exit(2);
}

inline GenOptions parse_gen_options(const char* program, int argc, char** argv) {
    GenOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc) gen_usage_error(program, std::string(arg) + " needs a value");
        const std::string_view value = argv[++i];
        if (arg == "--out") {
            o.out = value;
        } else if (arg == "--bytes" || arg == "--seed") {
            auto n = parse_size(value);
            if (!n) gen_usage_error(program, "bad value for " + std::string(arg));
            (arg == "--bytes" ? o.bytes : o.seed) = *n;
        } else {
            gen_usage_error(program, "unknown option " + std::string(arg));
        }
    }
    if (o.out.empty()) gen_usage_error(program, "--out is required");
    if (o.bytes == 0) gen_usage_error(program, "--bytes is required");
    return o;
}

}  // namespace bench
