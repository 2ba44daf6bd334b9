// `--listen ADDR:PORT`: an IP literal (IPv6 in brackets) or `localhost`, and
// a port (0 = any free port).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>

namespace agent::serve {

/// Throws std::invalid_argument with a one-line reason that names `what`
/// (the option or config key the text came from).
boost::asio::ip::tcp::endpoint parse_listen_address(const std::string& text, std::string_view what = "--listen");

/// `127.0.0.1:8787` or `[::1]:8787`.
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace agent::serve
