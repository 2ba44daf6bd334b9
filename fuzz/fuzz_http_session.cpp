// Feeds one client connection ('T' then bytes: team mode, else local) to the
// real HttpSession over a loopback socket pair, with the real Router and
// RequestWorkers over a SQLite store on tmpfs behind it: pipelining,
// 100-continue, lingering, ingest and the read API run as in `serve`.
#include <signal.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <tuple>

#include "fuzz_input.hpp"
#include "serve/http_server.hpp"
#include "serve/http_session.hpp"
#include "serve/request_workers.hpp"
#include "serve/router.hpp"
#include "serve/tokens.hpp"
#include "usage/pricing/pricing.hpp"
#include "usage/store/store.hpp"
#include "usage/store/token_store.hpp"
#include "usage/sync/ingest.hpp"

namespace {

namespace net = boost::asio;
namespace serve = agent::serve;
using tcp = net::ip::tcp;

// Seeds (fuzz/seeds/http_session) carry these in Authorization headers.
constexpr const char* kAdminToken = "ua_fuzzadmin000000000000000000000000000000000";
constexpr const char* kMemberToken = "ua_fuzzmember00000000000000000000000000000000";
// Longer than any request should take here: a stuck connection is a hang.
constexpr auto kHangLimit = std::chrono::seconds(20);

usage::sync::IngestBatch starting_events() {
    usage::sync::IngestBatch batch;
    batch.machine = {"m-fuzz", "fuzzbox", "linux", "UTC", "0.1.0"};
    for (int i = 0; i < 3; ++i) {
        usage::sync::WireEvent w;
        w.event.id = "claude-code:msg_" + std::to_string(i) + ":req";
        w.event.dedup_group = "claude-code:msg_" + std::to_string(i) + ":";
        w.event.source = "claude-code";
        w.event.session_id = "s-" + std::to_string(i % 2);
        w.event.model = "claude-sonnet-4-5";
        w.event.project_name = "app";
        w.event.machine_id = "m-fuzz";
        w.event.timestamp_ms = 1767225600000 + i * 3600000;
        w.event.tokens.input = 100 * (i + 1);
        w.event.tokens.output = 10 * (i + 1);
        batch.events.push_back(std::move(w));
    }
    return batch;
}

// Everything a request needs, made once per process. Each member is declared
// after what it uses, so it goes first at exit: the workers (and their
// threads' store connections) before the stores, the stores before prices.
class Fixture {
public:
    Fixture()
        : writer_(open()),
          auth_(open()),
          workers_(
              *writer_, [this] { return open(); }, 2),
          acceptor_(io_, tcp::endpoint(net::ip::address_v4::loopback(), 0)),
          unused_router_(*auth_, workers_, false),
          server_(io_, tcp::endpoint(net::ip::address_v4::loopback(), 0), unused_router_) {
        const auto now =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        for (const auto& [token, user, role] :
             {std::tuple{kAdminToken, "alice", "admin"}, std::tuple{kMemberToken, "bob", "member"}})
            if (!usage::find_token(*writer_, serve::token_hash(token)))
                usage::add_token(*writer_, serve::token_hash(token), serve::token_prefix(token), user, role, now);
        (void)usage::sync::ingest_batch(*writer_, starting_events(), "alice");
    }

    /// One connection carrying `bytes`: written, then the send side shut (the
    /// session meets end of stream after the last byte instead of waiting
    /// for a timeout), every answer read until the server closes. Returns
    /// when the session is gone, so each input is one whole connection.
    void connection(bool team, std::string_view bytes) {
        // A router per connection: its sign-in throttle must not carry one
        // input's wrong tokens into the next (inputs must replay alike).
        const serve::Router router(*auth_, workers_, team, [](usage::Store&) {
            return nlohmann::json{{"sources", nlohmann::json::array()}};
        });
        // Asynchronous connect and accept: libFuzzer's SIGALRM interrupts
        // blocking ones (EINTR); the reactor retries.
        tcp::socket client(io_), accepted(io_);
        bool connected = false, ready = false;
        client.async_connect(acceptor_.local_endpoint(), [&](boost::system::error_code ec) {
            if (ec) throw boost::system::system_error(ec, "connect");
            connected = true;
        });
        acceptor_.async_accept(accepted, [&](boost::system::error_code ec) {
            if (ec) throw boost::system::system_error(ec, "accept");
            ready = true;
        });
        run_until([&] { return connected && ready; });
        const std::weak_ptr<serve::HttpSession> session = serve::start_session(std::move(accepted), server_, router);
        bool written = false, closed = false;
        net::async_write(client, net::buffer(bytes.data(), bytes.size()), [&](boost::system::error_code, std::size_t) {
            boost::system::error_code ignored;
            client.shutdown(tcp::socket::shutdown_send, ignored);
            written = true;
        });
        std::array<char, 16 * 1024> answer{};
        std::function<void()> read_more = [&] {
            client.async_read_some(net::buffer(answer), [&](boost::system::error_code ec, std::size_t n) {
                if (ec) {
                    closed = true;
                    return;
                }
                if (echo_) std::fwrite(answer.data(), 1, n, stderr);
                read_more();
            });
        };
        read_more();
        run_until([&] { return written && closed && session.expired(); });
    }

private:
    template <typename Done>
    void run_until(Done done) {
        const auto start = std::chrono::steady_clock::now();
        while (!done()) {
            if (io_.stopped()) io_.restart();
            io_.run_one_for(std::chrono::milliseconds(50));
            if (std::chrono::steady_clock::now() - start > kHangLimit) __builtin_trap();
        }
    }

    // Opened as `serve` opens its stores: with the prices they use.
    std::unique_ptr<usage::Store> open() {
        auto store = std::make_unique<usage::Store>(dir_.path());
        store->use_prices(prices_);
        return store;
    }
    // FUZZ_HTTP_ECHO=1: the server's answers go to stderr (reproducing a case).
    const bool echo_ = std::getenv("FUZZ_HTTP_ECHO") != nullptr;
    fuzz::TempDir dir_;
    usage::PriceBook prices_;
    std::unique_ptr<usage::Store> writer_;
    std::unique_ptr<usage::Store> auth_;
    serve::RequestWorkers workers_;
    net::io_context io_{1};
    tcp::acceptor acceptor_;
    // Sessions attach to a server; this one is never started (it accepts
    // nothing, the harness hands each session its socket), so its router
    // is never asked.
    serve::Router unused_router_;
    serve::HttpServer server_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool no_sigpipe = [] { return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
    (void)no_sigpipe;
    static Fixture fixture;
    if (size == 0) return 0;
    fixture.connection(data[0] == 'T', fuzz::as_text(data + 1, size - 1));
    return 0;
}
