// `run`'s Prometheus endpoint (config `metrics.listen`): a small HTTP/1.1
// listener on the agent's own event loop that answers GET /metrics with the
// registry's text and nothing else. It is not serve's server: the agent
// neither needs routes, tokens nor TLS here, and must not grow a second
// signal handler; a scrape is one short request per connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

namespace agent::metrics {

class MetricsListener {
public:
    /// Binds and listens; throws std::runtime_error with one line (address
    /// taken, not local...).
    MetricsListener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at);
    ~MetricsListener();
    MetricsListener(const MetricsListener&) = delete;
    MetricsListener& operator=(const MetricsListener&) = delete;

    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;
    /// Accepts until stop(); answers on the io_context's thread.
    void start();
    void stop();

private:
    struct State;
    std::shared_ptr<State> s_;  // shared with the connections still answering
};

/// `metrics.listen`'s value as an endpoint: `ADDR:PORT`, or a bare port
/// (`9464`, `:9464`) on 127.0.0.1. Throws std::invalid_argument (one line).
boost::asio::ip::tcp::endpoint parse_metrics_listen(const std::string& text);

}  // namespace agent::metrics
