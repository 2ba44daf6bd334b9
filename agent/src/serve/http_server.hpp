// The asynchronous HTTP/1.1 server of `usage-agent serve` (Boost.Beast over
// one Asio io_context on one thread, which only parses, routes and writes:
// requests run on the RequestWorkers' threads, each with its own store
// connection).
//
// Shutdown (SIGTERM, SIGINT): the listener closes, idle keep-alive
// connections are closed, requests in flight finish and their connections
// close after the answer; whatever still runs after kShutdownGrace, or when
// a second signal comes, is cut.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <unordered_set>

#include "router.hpp"

namespace boost::asio::ssl {
class context;
}

namespace agent::serve {

class HttpSession;

class HttpServer {
public:
    /// Bind and listen; throws std::runtime_error with one line (port taken, ...).
    /// With `tls` (tls_context.hpp), every connection speaks TLS.
    HttpServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, const Router& router,
               boost::asio::ssl::context* tls = nullptr);
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// The bound address (the real port when 0 was asked).
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

    /// Start accepting and watching SIGTERM/SIGINT; io.run() returns after
    /// the shutdown completes.
    void start();
    void stop();
    [[nodiscard]] bool stopping() const { return stopping_; }

    // Sessions register themselves so a shutdown can reach idle ones.
    void attach(HttpSession* session) { sessions_.insert(session); }
    void detach(HttpSession* session);

private:
    void accept();
    void abort_all();
    /// At kMaxConnections: evict a connection waiting for a header (see
    /// limits.hpp); false when every connection is busy with a request.
    bool make_room();

    const Router& router_;
    boost::asio::ssl::context* tls_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer grace_;
    boost::asio::steady_timer retry_;  ///< accept() after a failed accept
    std::unordered_set<HttpSession*> sessions_;
    std::size_t evicted_ = 0;  ///< of sessions_, evicted and closing
    bool stopping_ = false;
};

}  // namespace agent::serve
