#include "http_session.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <type_traits>
#include <vector>

#include "http_server.hpp"
#include "limits.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent::serve {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection over `Stream`: a TCP stream, or TLS over one. Only the
// start (the TLS handshake) differs; the rest reaches the TCP layer through
// beast::get_lowest_layer.
template <class Stream>
class HttpConnection final : public HttpSession, public std::enable_shared_from_this<HttpConnection<Stream>> {
public:
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

    HttpConnection(tcp::socket socket, ssl::context* tls, HttpServer& server, const Router& router);
    ~HttpConnection() override;

    void start();
    void on_server_stop() override;
    void abort() override;
    void evict() override;

private:
    using std::enable_shared_from_this<HttpConnection<Stream>>::shared_from_this;
    [[nodiscard]] beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }
    void read_header();
    void on_header(beast::error_code ec);
    void on_body(beast::error_code ec);
    /// `body_unread`: the request's body was not (fully) read, so the
    /// connection cannot carry another request and is closed after a linger.
    void send(Response response, bool body_unread);
    void on_sent(bool close, bool body_unread, beast::error_code ec);
    void linger();
    void drain();
    void close();

    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<Route> route_;
    Response response_;
    std::vector<char> drain_;
    std::size_t drained_ = 0;
    HttpServer& server_;
    const Router& router_;
    bool first_request_ = true;
    std::chrono::steady_clock::time_point header_at_;  ///< the current request's header came in
};

template <class Stream>
Stream make_stream(tcp::socket socket, ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>)
        return Stream(std::move(socket), *tls);
    else
        return Stream(std::move(socket));
}

template <class Stream>
HttpConnection<Stream>::HttpConnection(tcp::socket socket, ssl::context* tls, HttpServer& server, const Router& router)
    : stream_(make_stream<Stream>(std::move(socket), tls)), server_(server), router_(router) {
    beast::error_code ec;
    remote_ = tcp_layer().socket().remote_endpoint(ec).address();
    server_.attach(this);
}

template <class Stream>
HttpConnection<Stream>::~HttpConnection() {
    server_.detach(this);
}

template <class Stream>
void HttpConnection<Stream>::start() {
    if constexpr (!kTls) {
        read_header();
    } else {
        // The handshake counts as waiting for the first header: its time and
        // its slot are the first request's (a client that connects and stays
        // silent is closed, or evicted, alike).
        waiting_ = true;
        waiting_since_ = std::chrono::steady_clock::now();
        tcp_layer().expires_after(kFirstHeaderTimeout);
        stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
            self->waiting_ = false;
            if (ec) return self->close();  // not TLS, an old protocol, a certificate it rejects
            self->read_header();
        });
    }
}

template <class Stream>
void HttpConnection<Stream>::read_header() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    // One limit for every route, checked against Content-Length as soon as
    // the header is parsed: an oversize upload is refused before its body.
    parser_->body_limit(kMaxBodyBytes);
    route_.reset();
    waiting_ = true;
    waiting_since_ = std::chrono::steady_clock::now();
    tcp_layer().expires_after(first_request_ ? kFirstHeaderTimeout : kHeaderTimeout);
    first_request_ = false;
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void HttpConnection<Stream>::on_header(beast::error_code ec) {
    waiting_ = false;
    header_at_ = std::chrono::steady_clock::now();
    const Request& header = parser_->get();
    if (ec == http::error::body_limit)
        return send(error_response(header, http::status::payload_too_large,
                                   "the body is larger than " + std::to_string(kMaxBodyBytes >> 20) +
                                       " MiB; send smaller batches"),
                    true);
    if (ec == http::error::header_limit)
        return send(error_response(header, http::status::request_header_fields_too_large,
                                   "the request header is larger than " + std::to_string(kMaxHeaderBytes) + " bytes"),
                    true);
    if (ec) {
        // Our parse errors get an answer; a client that left or went quiet,
        // socket errors and our own shutdown just close.
        if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message)
            return send(error_response(Request{}, http::status::bad_request, "malformed HTTP request: " + ec.message()),
                        true);
        return close();
    }

    auto decision = router_.route(header, remote_);
    if (auto* refusal = std::get_if<Response>(&decision)) return send(std::move(*refusal), !parser_->is_done());
    route_ = std::move(std::get<Route>(decision));
    if (parser_->is_done()) return on_body({});

    auto read_body = [self = shared_from_this()] {
        self->tcp_layer().expires_after(kBodyTimeout);
        http::async_read(self->stream_, self->buffer_, *self->parser_,
                         [self](beast::error_code read_ec, std::size_t) { self->on_body(read_ec); });
    };
    if (!beast::iequals(header[http::field::expect], "100-continue")) return read_body();
    // The client waits for this before sending the body (curl does above 1 MiB).
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
    tcp_layer().expires_after(kWriteTimeout);
    http::async_write(stream_, *interim,
                      [self = shared_from_this(), interim, read_body](beast::error_code write_ec, std::size_t) {
                          if (write_ec) return self->close();
                          read_body();
                      });
}

template <class Stream>
void HttpConnection<Stream>::on_body(beast::error_code ec) {
    if (ec == http::error::body_limit)  // chunked bodies have no Content-Length to refuse up front
        return send(error_response(parser_->get(), http::status::payload_too_large,
                                   "the body is larger than " + std::to_string(kMaxBodyBytes >> 20) +
                                       " MiB; send smaller batches"),
                    true);
    if (ec) return close();  // the client left or went quiet mid-body
    // The answer comes back on a worker thread: hand it to this connection's
    // thread. The guard keeps io.run() going while no socket operation is
    // pending, so a shutdown waits for the request.
    auto guard = std::make_shared<net::executor_work_guard<net::any_io_executor>>(stream_.get_executor());
    router_.dispatch(*route_, parser_->get(), [self = shared_from_this(), guard](Response response) {
        net::post(self->stream_.get_executor(),
                  [self, response = std::move(response)]() mutable { self->send(std::move(response), false); });
    });
}

template <class Stream>
void HttpConnection<Stream>::send(Response response, bool body_unread) {
    const bool close_after =
        body_unread || !parser_->is_header_done() || !parser_->get().keep_alive() || server_.stopping();
    response_ = std::move(response);
    response_.keep_alive(!close_after);
    metrics::record_request(route_ ? route_name(route_->kind) : "refused", response_.result_int(),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - header_at_).count());
    // Every answer, whoever built it: no content sniffing, no referrer, and
    // (unless it is a page with its own policy) nothing to run, load or frame.
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("Referrer-Policy", "no-referrer");
    if (response_.find("Content-Security-Policy") == response_.end())
        response_.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    response_.prepare_payload();
    // HEAD: the GET answer's header (its Content-Length included), no body.
    if (parser_->is_header_done() && parser_->get().method() == http::verb::head) response_.body().clear();
    tcp_layer().expires_after(kWriteTimeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), close_after, body_unread](beast::error_code ec, std::size_t) {
                          self->on_sent(close_after, body_unread, ec);
                      });
}

template <class Stream>
void HttpConnection<Stream>::on_sent(bool close_after, bool body_unread, beast::error_code ec) {
    if (ec) return close();
    if (body_unread) return linger();
    if (close_after || server_.stopping()) {
        beast::error_code ignored;
        tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
        return close();
    }
    read_header();
}

// Closing a socket with unread input makes the kernel send a reset, which
// can destroy the answer before the client reads it. So: stop sending, read
// and drop what the client still sends (bounded), then close.
template <class Stream>
void HttpConnection<Stream>::linger() {
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    drain_.resize(64 * 1024);
    tcp_layer().expires_after(kLingerTimeout);  // for the whole drain
    drain();
}

template <class Stream>
void HttpConnection<Stream>::drain() {
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->drained_ += n;
        if (ec || self->drained_ > kMaxLingerBytes) return self->close();
        self->drain();
    });
}

template <class Stream>
void HttpConnection<Stream>::close() {
    tcp_layer().close();
}

template <class Stream>
void HttpConnection<Stream>::on_server_stop() {
    // Idle keep-alive connection, or a TLS handshake not done yet.
    if (waiting_ && buffer_.size() == 0 && (!parser_ || !parser_->got_some())) close();
}

template <class Stream>
void HttpConnection<Stream>::abort() {
    close();
}

template <class Stream>
void HttpConnection<Stream>::evict() {
    evicted_ = true;
    close();  // the pending header read ends and the session goes
}

}  // namespace

std::shared_ptr<HttpSession> start_session(tcp::socket socket, HttpServer& server, const Router& router,
                                           ssl::context* tls) {
    if (tls) {
        auto s = std::make_shared<HttpConnection<TlsStream>>(std::move(socket), tls, server, router);
        s->start();
        return s;
    }
    auto s = std::make_shared<HttpConnection<PlainStream>>(std::move(socket), nullptr, server, router);
    s->start();
    return s;
}

}  // namespace agent::serve
