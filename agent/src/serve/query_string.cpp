#include "query_string.hpp"

#include <stdexcept>

namespace agent::serve {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '%') {
            const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
            const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) throw std::invalid_argument("malformed percent-escape in the request target");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += plus_is_space && c == '+' ? ' ' : c;
        }
    }
    return out;
}

}  // namespace

Target parse_target(std::string_view target) {
    Target t;
    const auto question = target.find('?');
    t.path = decode(target.substr(0, question), false);
    if (question == std::string_view::npos) return t;
    std::string_view query = target.substr(question + 1);
    if (const auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        t.params.emplace_back(decode(pair.substr(0, eq), true),
                              eq == std::string_view::npos ? std::string{} : decode(pair.substr(eq + 1), true));
    }
    return t;
}

}  // namespace agent::serve
