// One HTTP/1.1 connection: read a header, let the router accept or refuse
// it, read the body within kMaxBodyBytes, answer, and keep the connection
// for the next request unless either side wants it closed.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "router.hpp"

namespace agent::serve {

class HttpServer;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(boost::asio::ip::tcp::socket socket, HttpServer& server, const Router& router);
    ~HttpSession();
    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

    void start();
    /// The server is shutting down: close now if no request is under way.
    void on_server_stop();
    /// The shutdown grace period is over: close whatever the state.
    void abort();

    /// Waiting for a request header (idle between requests, or receiving one
    /// slowly): a connection the server may close to make room.
    [[nodiscard]] bool waiting_for_header() const { return waiting_ && !evicted_; }
    [[nodiscard]] std::chrono::steady_clock::time_point waiting_since() const { return waiting_since_; }
    [[nodiscard]] const boost::asio::ip::address& remote() const { return remote_; }
    [[nodiscard]] bool evicted() const { return evicted_; }
    /// Close to make room for a new connection (see kMaxConnections).
    void evict();

private:
    void read_header();
    void on_header(boost::beast::error_code ec);
    void on_body(boost::beast::error_code ec);
    /// `body_unread`: the request's body was not (fully) read, so the
    /// connection cannot carry another request and is closed after a linger.
    void send(Response response, bool body_unread);
    void on_sent(bool close, bool body_unread, boost::beast::error_code ec);
    void linger();
    void drain();
    void close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<Route> route_;
    Response response_;
    std::vector<char> drain_;
    std::size_t drained_ = 0;
    HttpServer& server_;
    const Router& router_;
    bool waiting_ = false;  ///< a header read is pending
    bool evicted_ = false;
    bool first_request_ = true;
    std::chrono::steady_clock::time_point waiting_since_;
    boost::asio::ip::address remote_;
};

}  // namespace agent::serve
