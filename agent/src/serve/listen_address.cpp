#include "listen_address.hpp"

#include <charconv>
#include <stdexcept>

namespace agent::serve {

namespace net = boost::asio;

net::ip::tcp::endpoint parse_listen_address(const std::string& text, std::string_view what) {
    const auto bad = [&](const std::string& why) {
        std::string line(what);
        line += " '";
        line += text;
        line += "': ";
        line += why;
        line += " (expected ADDR:PORT, e.g. 127.0.0.1:8787 or [::1]:8787)";
        return std::invalid_argument(line);
    };
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw bad("no port");
    std::string host = text.substr(0, colon);
    const std::string port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
        throw bad("the port must be a number from 0 to 65535");
    boost::system::error_code addr_ec;
    auto address = net::ip::make_address(host, addr_ec);
    if (addr_ec) throw bad("'" + host + "' is not an IP address");
    return {address, static_cast<unsigned short>(port)};
}

std::string format_endpoint(const net::ip::tcp::endpoint& endpoint) {
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false
    // positive in char_traits) on `"[" + str + "]"`.
    const auto address = endpoint.address();
    std::string out;
    if (address.is_v6()) out += '[';
    out += address.to_string();
    if (address.is_v6()) out += ']';
    out += ':';
    out += std::to_string(endpoint.port());
    return out;
}

}  // namespace agent::serve
