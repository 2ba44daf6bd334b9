// The HTTP layer of `usage-agent serve` seen from a raw socket: refusals
// from the header alone, 100-continue, keep-alive, 503 while the store is
// locked, and a SIGTERM that lets the request in flight finish.
#include <SQLiteCpp/SQLiteCpp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve_helpers.hpp"

using namespace serve_test;

namespace {

// One client connection speaking HTTP/1.1 by hand.
class Raw {
public:
    explicit Raw(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~Raw() { ::close(fd_); }
    Raw(const Raw&) = delete;
    Raw& operator=(const Raw&) = delete;

    [[nodiscard]] bool connected() const { return connected_; }

    void send(const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            REQUIRE(n > 0);
            sent += static_cast<std::size_t>(n);
        }
    }

    /// The next response (head + Content-Length body), or "" when the server closed.
    std::string response() {
        for (;;) {
            auto head_end = buf_.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                std::size_t length = 0;
                auto cl = lower(buf_.substr(0, head_end)).find("content-length:");
                if (cl != std::string::npos) length = std::stoul(buf_.substr(cl + 15));
                if (buf_.size() >= head_end + 4 + length) {
                    std::string r = buf_.substr(0, head_end + 4 + length);
                    buf_.erase(0, r.size());
                    return r;
                }
            }
            if (!fill()) return {};
        }
    }

    /// The next response's head only (an answer to HEAD has no body, whatever its Content-Length).
    std::string response_head() {
        for (;;) {
            auto head_end = buf_.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                std::string r = buf_.substr(0, head_end + 4);
                buf_.erase(0, r.size());
                return r;
            }
            if (!fill()) return {};
        }
    }

    /// True when nothing (no answer, no close) has arrived from the server yet.
    bool quiet_now() {
        pollfd p{fd_, POLLIN, 0};
        return buf_.empty() && ::poll(&p, 1, 0) == 0;
    }

    /// True when the server closed the connection (EOF) with nothing more to read.
    bool closed_by_server() { return buf_.empty() && !fill(); }

private:
    static std::string lower(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    bool fill() {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 30'000) <= 0) return false;
        char chunk[4096];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buf_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
    int fd_ = -1;
    bool connected_ = false;
    std::string buf_;
};

std::string post_head(const std::string& token, std::size_t length, const std::string& extra = "") {
    return "POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
           (token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n") +
           "Content-Length: " + std::to_string(length) + "\r\n" + extra + "\r\n";
}

bool has_header(const std::string& response, const std::string& line) {
    return response.find("\r\n" + line + "\r\n") != std::string::npos;
}

}  // namespace

TEST_CASE("serve http: oversize and unauthorised uploads are refused from the header, before the body") {
    testing::AgentHome home;
    const std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server(home, {"--ingest"});

    // Nothing of the body is ever sent: the answer comes from Content-Length.
    Raw big(server.port());
    big.send(post_head(token, 17u << 20));
    auto r = big.response();
    CHECK(r.rfind("HTTP/1.1 413 ", 0) == 0);
    CHECK(has_header(r, "Connection: close"));
    CHECK(r.find("larger than 16 MiB") != std::string::npos);

    Raw anonymous(server.port());
    anonymous.send(post_head("", 1000));
    r = anonymous.response();
    CHECK(r.rfind("HTTP/1.1 401 ", 0) == 0);
    CHECK(has_header(r, "WWW-Authenticate: Bearer"));
    CHECK(healthy(server));
    CHECK(server.stop() == 0);  // a clean exit (and no sanitizer report)
}

TEST_CASE("serve http: a request header over 16 KiB is answered 431, one under it is served") {
    testing::AgentHome home;
    testing::ServeProcess server(home);
    // Beast applies the limit to the fields after the request line, so the
    // sizes stay a KiB away from the edge.
    auto request = [](std::size_t header_bytes) {
        const std::string head = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: ";
        return head + std::string(header_bytes - head.size() - 4, 'a') + "\r\n\r\n";
    };
    REQUIRE(request(100).size() == 100);

    Raw fits(server.port());
    fits.send(request(15u << 10));
    CHECK(fits.response().rfind("HTTP/1.1 200 ", 0) == 0);

    Raw big(server.port());
    big.send(request(17u << 10));
    const auto r = big.response();
    CHECK(r.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
    CHECK(has_header(r, "Connection: close"));
    CHECK(nlohmann::json::parse(r.substr(r.find("\r\n\r\n") + 4)) ==
          nlohmann::json{{"error", "the request header is larger than 16384 bytes"}});
    CHECK(big.closed_by_server());
    CHECK(healthy(server));
    CHECK(server.stop() == 0);
}

TEST_CASE("serve http: 100-continue, and several requests on one keep-alive connection") {
    testing::AgentHome home;
    const std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server(home, {"--ingest"});
    const std::string body = batch("m-1", "box", {{"msg_1:r", "s", kJan10, 5, 5}});

    Raw c(server.port());
    c.send(post_head(token, body.size(), "Expect: 100-continue\r\n"));
    CHECK(c.response().rfind("HTTP/1.1 100 Continue", 0) == 0);
    c.send(body);
    auto r = c.response();
    CHECK(r.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(r.find("\"new\":1") != std::string::npos);
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.response().rfind("HTTP/1.1 200 ", 0) == 0);
    c.send("GET /api/v1/summary HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n");
    r = c.response();
    CHECK(r.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(r.find("\"events\":1,") != std::string::npos);
    // A refusal without a body keeps the connection too.
    c.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.response().rfind("HTTP/1.1 404 ", 0) == 0);
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(c.response().rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(c.closed_by_server());

    Raw junk(server.port());
    junk.send("NOT HTTP AT ALL\r\n\r\n");
    CHECK(junk.response().rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(healthy(server));
    CHECK(server.stop() == 0);  // a clean exit (and no sanitizer report)
}

TEST_CASE("serve http: a locked store is 503 with Retry-After, then the retry succeeds") {
    testing::AgentHome home;
    const std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server(home, {"--ingest"});
    const std::string body = batch("m-1", "box", {{"msg_1:r", "s", kJan10, 5, 5}});
    {
        // Another writer (say a local `sync`) holds the store's write lock.
        SQLite::Database db((home.dir / "state" / "usage.db").string(), SQLite::OPEN_READWRITE);
        db.exec("BEGIN IMMEDIATE");
        auto busy = ingest(server, body, token);
        CHECK(busy.status == 503);
        REQUIRE(busy.retry_after.has_value());
        CHECK(busy.retry_after->count() == 5);
        CHECK(error_of(busy).find("store error") != std::string::npos);
        CHECK(healthy(server));
        // Reads go on while a writer holds the lock (WAL).
        CHECK(get_json(server, "/api/v1/summary", token)["totals"]["events"] == 0);
        db.exec("ROLLBACK");
    }
    auto retry = ingest(server, body, token);
    CHECK(retry.status == 200);
    CHECK(nlohmann::json::parse(retry.body)["new"] == 1);
    CHECK(server.stop() == 0);  // a clean exit (and no sanitizer report)
}

TEST_CASE("serve http: SIGTERM stops accepting, finishes the request in flight, closes idle connections") {
    testing::AgentHome home;
    const std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server(home, {"--ingest"});
    const std::string body = batch("m-1", "box", {{"msg_1:r", "s", kJan10, 5, 5}});

    Raw idle(server.port());
    idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(idle.response().rfind("HTTP/1.1 200 ", 0) == 0);
    // The 100 Continue proves the server holds this request (header read,
    // route accepted) before the signal.
    Raw busy(server.port());
    busy.send(post_head(token, body.size(), "Expect: 100-continue\r\n"));
    REQUIRE(busy.response().rfind("HTTP/1.1 100 Continue", 0) == 0);
    busy.send(body.substr(0, body.size() / 2));

    server.signal(SIGTERM);
    CHECK(idle.closed_by_server());
    // New connections are refused once the listener closed.
    bool refused = false;
    for (int i = 0; i < 500 && !refused; ++i) {
        Raw probe(server.port());
        refused = !probe.connected();
        if (!refused) usleep(10'000);
    }
    CHECK(refused);

    busy.send(body.substr(body.size() / 2));
    auto r = busy.response();
    CHECK(r.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(has_header(r, "Connection: close"));
    CHECK(r.find("\"new\":1") != std::string::npos);
    CHECK(busy.closed_by_server());
    CHECK(server.wait() == 0);  // exits by itself once the last request is answered
}

TEST_CASE("serve http: a second SIGTERM cuts the requests still in flight") {
    testing::AgentHome home;
    const std::string token = add_token(home, "alice", "member");
    testing::ServeProcess server(home, {"--ingest"});
    Raw stuck(server.port());
    stuck.send(post_head(token, 1000, "Expect: 100-continue\r\n"));
    REQUIRE(stuck.response().rfind("HTTP/1.1 100 Continue", 0) == 0);
    // The body never comes. The first signal waits for it (up to 30 s) ...
    server.signal(SIGTERM);
    bool refused = false;
    for (int i = 0; i < 500 && !refused; ++i) {
        Raw probe(server.port());
        refused = !probe.connected();
        if (!refused) usleep(10'000);
    }
    REQUIRE(refused);
    // ... the second one does not.
    server.signal(SIGTERM);
    CHECK(stuck.closed_by_server());
    CHECK(server.wait() == 0);
}

TEST_CASE("serve http: local mode sends no CORS header, even to a cross-origin request or a preflight") {
    testing::AgentHome home;
    testing::ServeProcess server(home);
    Raw raw(server.port());
    REQUIRE(raw.connected());
    raw.send("GET /api/v1/summary HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n\r\n");
    const std::string get = raw.response();
    CHECK(get.starts_with("HTTP/1.1 200"));
    raw.send(
        "OPTIONS /api/v1/summary HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n"
        "Access-Control-Request-Method: GET\r\n\r\n");
    const std::string preflight = raw.response();
    CHECK(preflight.starts_with("HTTP/1.1 405"));
    for (const std::string& r : std::vector<std::string>{get, preflight}) {
        std::string lower = r;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        CHECK(lower.find("access-control-") == std::string::npos);
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("serve http: HEAD answers like GET without the body, and every answer carries the security headers") {
    testing::AgentHome home;
    testing::ServeProcess server(home);
    Raw raw(server.port());
    REQUIRE(raw.connected());
    raw.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string get = raw.response();
    REQUIRE(get.starts_with("HTTP/1.1 200"));
    const std::string body = get.substr(get.find("\r\n\r\n") + 4);
    CHECK(body == "{\"status\":\"ok\"}\n");
    raw.send("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string head = raw.response_head();
    CHECK(head.starts_with("HTTP/1.1 200"));
    CHECK(has_header(head, "Content-Length: " + std::to_string(body.size())));
    // No body followed: the next answer on the connection is the next request's.
    raw.send("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string page = raw.response_head();
    CHECK(page.starts_with("HTTP/1.1 200"));
    CHECK(has_header(page, "Content-Type: text/html; charset=utf-8"));
    raw.send("GET /api/v1/summary?range=all HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string read = raw.response();
    CHECK(read.starts_with("HTTP/1.1 200"));
    raw.send("GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string missing = raw.response();
    CHECK(missing.starts_with("HTTP/1.1 404"));
    raw.send("DELETE /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string refused = raw.response();
    CHECK(refused.starts_with("HTTP/1.1 405"));
    CHECK(has_header(refused, "Allow: GET, HEAD"));
    for (const std::string& r : {get, head, page, read, missing, refused}) {
        INFO(r.substr(0, r.find("\r\n\r\n")));
        CHECK(has_header(r, "X-Content-Type-Options: nosniff"));
        CHECK(has_header(r, "Referrer-Policy: no-referrer"));
    }
    CHECK(has_header(read, "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'"));
    CHECK(has_header(page, "X-Frame-Options: DENY"));
    CHECK(page.find("Content-Security-Policy: default-src 'none'; script-src 'self'") != std::string::npos);
    CHECK(server.stop() == 0);
}

TEST_CASE("serve http: 600 idle connections from one address never keep /healthz out") {
    testing::AgentHome home;
    testing::ServeProcess server(home);
    std::vector<std::unique_ptr<Raw>> idle;
    for (int i = 0; i < 600; ++i) {
        idle.push_back(std::make_unique<Raw>(server.port()));
        REQUIRE(idle.back()->connected());
    }
    // Each health check gets a slot (an idle connection's) and its answer.
    for (int i = 0; i < 5; ++i) {
        Raw probe(server.port());
        REQUIRE(probe.connected());
        probe.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        CHECK(probe.response().starts_with("HTTP/1.1 200"));
    }
    // The server held at most its 512 slots: each of the 88 idle connections past them took
    // the slot of the oldest one, closed at once (long before the 10 s a first header may take).
    int closed = 0;
    for (std::size_t i = 0; i < 600 - 512; ++i) closed += idle[i]->closed_by_server() ? 1 : 0;
    CHECK(closed == 600 - 512);
    // The rest still hold their slots: they were closed to make room, not for their silence.
    CHECK(idle[300]->quiet_now());
    CHECK(idle[599]->quiet_now());
    CHECK(server.stop() == 0);
}
