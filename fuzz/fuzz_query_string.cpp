// Feeds a request target to parse_target, as `serve` does for every request
// before routing: percent-decoding and `+` of the path and the query. A
// malformed escape is std::invalid_argument (a 400); anything else is a
// finding. What it decodes must never be longer than what it was given.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_input.hpp"
#include "serve/query_string.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view target = fuzz::as_text(data, size);
    try {
        const agent::serve::Target t = agent::serve::parse_target(target);
        std::size_t decoded = t.path.size();
        for (const auto& [key, value] : t.params) decoded += key.size() + value.size();
        if (decoded > target.size()) __builtin_trap();
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
