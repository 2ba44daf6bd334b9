#include "http_server.hpp"

#include <csignal>
#include <map>
#include <stdexcept>
#include <vector>

#include "http_session.hpp"
#include "limits.hpp"
#include "listen_address.hpp"

namespace agent::serve {

namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpServer::HttpServer(net::io_context& io, const tcp::endpoint& endpoint, const Router& router, net::ssl::context* tls)
    : router_(router), tls_(tls), acceptor_(io), signals_(io, SIGINT, SIGTERM), grace_(io), retry_(io) {
    const auto fail = [&](const boost::system::error_code& ec) {
        const std::string why =
            ec == net::error::address_in_use  ? "the address is already in use (another server on this port?)"
            : ec == net::error::access_denied ? "permission denied (ports below 1024 need privileges)"
            : ec == boost::system::errc::address_not_available ? "this machine has no such address"
                                                               : ec.message();
        return std::runtime_error("cannot listen on " + format_endpoint(endpoint) + ": " + why);
    };
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) throw fail(ec);
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (ec) throw fail(ec);
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw fail(ec);
}

void HttpServer::start() {
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec) stop();
    });
    accept();
}

void HttpServer::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
        if (stopping_) return;
        if (ec) {
            // Out of descriptors or similar: try again shortly instead of spinning.
            retry_.expires_after(std::chrono::milliseconds(100));
            retry_.async_wait([this](const boost::system::error_code& wait_ec) {
                if (!wait_ec && !stopping_) accept();
            });
            return;
        }
        if (sessions_.size() - evicted_ < kMaxConnections || make_room())
            start_session(std::move(socket), *this, router_, tls_);
        accept();
    });
}

bool HttpServer::make_room() {
    std::map<net::ip::address, std::size_t> held;
    for (const HttpSession* s : sessions_)
        if (!s->evicted()) ++held[s->remote()];
    HttpSession* victim = nullptr;
    for (HttpSession* s : sessions_) {
        if (!s->waiting_for_header()) continue;
        if (!victim || held[s->remote()] > held[victim->remote()] ||
            (held[s->remote()] == held[victim->remote()] && s->waiting_since() < victim->waiting_since()))
            victim = s;
    }
    if (!victim) return false;
    ++evicted_;
    victim->evict();
    return true;
}

void HttpServer::stop() {
    if (stopping_) return;
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    retry_.cancel();
    // Sessions may close (and later detach) while we walk them.
    const std::vector<HttpSession*> open(sessions_.begin(), sessions_.end());
    for (HttpSession* s : open) s->on_server_stop();
    if (sessions_.empty()) return;
    // Requests in flight get kShutdownGrace, or until a second signal.
    grace_.expires_after(kShutdownGrace);
    grace_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) abort_all();
    });
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec) abort_all();
    });
}

void HttpServer::abort_all() {
    const std::vector<HttpSession*> left(sessions_.begin(), sessions_.end());
    for (HttpSession* s : left) s->abort();
}

void HttpServer::detach(HttpSession* session) {
    if (session->evicted()) --evicted_;
    sessions_.erase(session);
    if (stopping_ && sessions_.empty()) {  // nothing left to wait for: let io.run() return
        grace_.cancel();
        boost::system::error_code ignored;
        signals_.cancel(ignored);
    }
}

}  // namespace agent::serve
