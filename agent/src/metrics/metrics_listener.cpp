#include "metrics_listener.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>
#include <string>

#include "metric_registry.hpp"
#include "serve/listen_address.hpp"

namespace agent::metrics {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A scraper connects, asks, reads and leaves; anything slower is dropped.
constexpr auto kTimeout = std::chrono::seconds(10);
// Connections answered at once; more wait in the kernel's backlog.
constexpr std::size_t kMaxOpen = 16;

}  // namespace

struct MetricsListener::State : std::enable_shared_from_this<MetricsListener::State> {
    explicit State(net::io_context& io) : acceptor(io) {}
    tcp::acceptor acceptor;
    std::size_t open = 0;
    bool waiting_for_room = false;
    bool stopped = false;

    void accept();
    void serve(tcp::socket socket);
};

namespace {

struct Exchange {
    explicit Exchange(tcp::socket s) : stream(std::move(s)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
};

void answer(Exchange& x) {
    const auto& req = x.request;
    auto& res = x.response;
    res.version(req.version());
    res.keep_alive(false);
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics") {
        res.result(http::status::not_found);
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = "only /metrics is served here\n";
    } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
        res.result(http::status::method_not_allowed);
        res.set(http::field::allow, "GET, HEAD");
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = "use GET\n";
    } else {
        res.result(http::status::ok);
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = registry().render();
    }
    res.set("X-Content-Type-Options", "nosniff");
    res.prepare_payload();
    if (req.method() == http::verb::head) res.body().clear();
}

}  // namespace

void MetricsListener::State::accept() {
    if (stopped) return;
    if (open >= kMaxOpen) {
        waiting_for_room = true;  // the next connection to finish accepts again
        return;
    }
    acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (self->stopped) return;
        if (!ec) self->serve(std::move(socket));
        self->accept();
    });
}

void MetricsListener::State::serve(tcp::socket socket) {
    ++open;
    auto x = std::make_shared<Exchange>(std::move(socket));
    auto done = [self = shared_from_this(), x] {
        beast::error_code ignored;
        x->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        x->stream.close();
        --self->open;
        if (self->waiting_for_room) {
            self->waiting_for_room = false;
            self->accept();
        }
    };
    x->stream.expires_after(kTimeout);
    http::async_read(x->stream, x->buffer, x->request, [x, done](beast::error_code ec, std::size_t) {
        if (ec) return done();
        answer(*x);
        http::async_write(x->stream, x->response, [x, done](beast::error_code, std::size_t) { done(); });
    });
}

MetricsListener::MetricsListener(net::io_context& io, const tcp::endpoint& at) : s_(std::make_shared<State>(io)) {
    boost::system::error_code ec;
    auto& a = s_->acceptor;
    if (!a.open(at.protocol(), ec)) a.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(at, ec);
    if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("metrics.listen " + serve::format_endpoint(at) + ": cannot listen: " + ec.message());
}

MetricsListener::~MetricsListener() {
    stop();
}

tcp::endpoint MetricsListener::local_endpoint() const {
    return s_->acceptor.local_endpoint();
}

void MetricsListener::start() {
    s_->accept();
}

void MetricsListener::stop() {
    s_->stopped = true;
    boost::system::error_code ignored;
    s_->acceptor.close(ignored);
}

tcp::endpoint parse_metrics_listen(const std::string& text) {
    std::string_view port = text;
    if (port.starts_with(':')) port.remove_prefix(1);
    if (!port.empty() && port.find_first_not_of("0123456789") == std::string_view::npos) {
        std::string local = "127.0.0.1:";
        local += port;
        return serve::parse_listen_address(local, "metrics.listen");
    }
    return serve::parse_listen_address(text, "metrics.listen");
}

}  // namespace agent::metrics
