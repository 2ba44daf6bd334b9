// One HTTP/1.1 connection: read a header, let the router accept or refuse
// it, read the body within kMaxBodyBytes, answer, and keep the connection
// for the next request unless either side wants it closed. Over plain TCP,
// or over TLS once the handshake is done (serve --tls-cert): the same code,
// a connection template over the two stream types (http_session.cpp).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>

#include "router.hpp"

namespace boost::asio::ssl {
class context;
}

namespace agent::serve {

class HttpServer;

/// What the server sees of a connection, whatever carries it.
class HttpSession {
public:
    virtual ~HttpSession() = default;
    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

    /// The server is shutting down: close now if no request is under way.
    virtual void on_server_stop() = 0;
    /// The shutdown grace period is over: close whatever the state.
    virtual void abort() = 0;
    /// Close to make room for a new connection (see kMaxConnections).
    virtual void evict() = 0;

    /// Waiting for a request header (the TLS handshake, idle between
    /// requests, or receiving one slowly): a connection the server may close
    /// to make room.
    [[nodiscard]] bool waiting_for_header() const { return waiting_ && !evicted_; }
    [[nodiscard]] std::chrono::steady_clock::time_point waiting_since() const { return waiting_since_; }
    [[nodiscard]] const boost::asio::ip::address& remote() const { return remote_; }
    [[nodiscard]] bool evicted() const { return evicted_; }

protected:
    HttpSession() = default;
    bool waiting_ = false;  ///< a handshake or header read is pending
    bool evicted_ = false;
    std::chrono::steady_clock::time_point waiting_since_;
    boost::asio::ip::address remote_;
};

/// Start serving `socket`: over TLS with `tls` (its certificate and key
/// loaded), else plain HTTP. The session keeps itself alive until it closes.
std::shared_ptr<HttpSession> start_session(boost::asio::ip::tcp::socket socket, HttpServer& server,
                                           const Router& router, boost::asio::ssl::context* tls = nullptr);

}  // namespace agent::serve
