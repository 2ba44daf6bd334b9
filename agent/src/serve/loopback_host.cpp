#include "loopback_host.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <string>

namespace agent::serve {
namespace {

bool is_port(std::string_view s) {
    return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_loopback_address(const std::string& text) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(text, ec);
    return !ec && address.is_loopback();
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    std::string_view name = host;
    if (host.starts_with('[')) {  // [v6] or [v6]:port
        const auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && !(rest.front() == ':' && is_port(rest.substr(1)))) return false;
        return is_loopback_address(std::string(host.substr(1, close - 1)));
    }
    if (const auto colon = host.find(':'); colon != std::string_view::npos) {
        if (!is_port(host.substr(colon + 1))) return false;
        name = host.substr(0, colon);
    }
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "localhost" || lower == "localhost.") return true;
    // Only a dotted IPv4 address: make_address would also take an unbracketed "::1".
    return lower.find_first_not_of("0123456789.") == std::string::npos && is_loopback_address(lower);
}

}  // namespace agent::serve
