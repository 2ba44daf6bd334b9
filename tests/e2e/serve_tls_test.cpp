// `serve --tls-cert --tls-key` with a CA and certificates the test makes with
// the openssl CLI: the agent pushes over HTTPS trusting the CA through
// sync.ca_file, and refuses a certificate for another host name and one no
// trusted CA signed, each with a message that says so. A team endpoint on a
// network address without TLS is refused unless --allow-plain-http.
#include <doctest/doctest.h>

#include "push_helpers.hpp"
#include "serve_helpers.hpp"

namespace {

// A CA, a server certificate it signed for 127.0.0.1 only, and a second CA
// that signed nothing the server shows. EC P-256 keys: made in milliseconds.
struct Certificates {
    testing::TempDir dir;
    std::string ca = (dir / "ca.pem").string();
    std::string other_ca = (dir / "other-ca.pem").string();
    std::string cert = (dir / "server.pem").string();
    std::string key = (dir / "server.key").string();

    Certificates() {
        make_ca("ca", "usage-test-CA");
        make_ca("other-ca", "usage-test-other-CA");
        openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                 (dir / "server.csr").string(), "-subj", "/CN=127.0.0.1"});
        testing::write_file(dir / "san.cnf", "subjectAltName=IP:127.0.0.1\n");
        openssl({"x509", "-req", "-in", (dir / "server.csr").string(), "-CA", ca, "-CAkey", (dir / "ca.key").string(),
                 "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", (dir / "san.cnf").string()});
    }
    void make_ca(const std::string& name, const std::string& cn) const {
        openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                 (dir / (name + ".key")).string(), "-out", (dir / (name + ".pem")).string(), "-days", "2", "-subj",
                 "/CN=" + cn});
    }
    static void openssl(std::vector<std::string> args) {
        args.insert(args.begin(), "/usr/bin/openssl");
        auto r = testing::run_command(args, {});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
};

struct TlsEndpoint {
    Certificates certs;
    testing::AgentHome home;
    std::string token = serve_test::add_token(home, "alice", "member");
    std::string reader = serve_test::add_token(home, "boss", "manager");
    testing::ServeProcess server{home, {"--ingest", "--tls-cert", certs.cert, "--tls-key", certs.key}};
};

usage::HttpResponse get_trusting(const std::string& ca, const std::string& url, const std::string& token = "") {
    usage::HttpOptions options;
    options.ca_file = ca;
    usage::HttpClient client(options);
    return client.get(url, token.empty() ? std::vector<std::string>{} : std::vector{"Authorization: Bearer " + token});
}

}  // namespace

TEST_CASE("serve over TLS: the agent pushes through HTTPS trusting the endpoint's CA by sync.ca_file") {
    TlsEndpoint team;
    CHECK(team.server.url("").starts_with("https://127.0.0.1:"));
    auto health = get_trusting(team.certs.ca, team.server.url("/healthz"));
    CHECK(health.status == 200);
    CHECK(health.body == "{\"status\":\"ok\"}\n");

    push_test::PushHome h(team.server.url(""), team.token, "  ca_file: " + team.certs.ca + "\n");
    h.add_calls(1, 3);
    auto pushed = h.sync_json();
    CHECK(pushed["push"]["outcome"] == "delivered");
    CHECK(pushed["push"]["sent"] == 3);
    auto summary = get_trusting(team.certs.ca, team.server.url("/api/v1/summary"), team.reader);
    REQUIRE(summary.status == 200);
    CHECK(nlohmann::json::parse(summary.body)["totals"]["events"] == 3);

    // The dashboard's sign-in cookie never travels over plain HTTP.
    usage::HttpOptions trusting;
    trusting.ca_file = team.certs.ca;
    usage::HttpClient browser(trusting);
    auto signed_in = browser.post(team.server.url("/api/v1/session"), R"({"token":")" + team.reader + R"("})",
                                  {"Content-Type: application/json"});
    CHECK(signed_in.status == 200);
    CHECK(signed_in.headers["set-cookie"] ==
          "usage_session=" + team.reader + "; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=604800");

    // The same endpoint by a name its certificate does not carry.
    const std::string by_name = "https://localhost:" + std::to_string(team.server.port());
    h.configure(by_name, "  ca_file: " + team.certs.ca + "\n");
    h.add_calls(4, 1);
    auto wrong_host = h.run({"sync", "--once"});
    CHECK(wrong_host.exit_code == 1);
    CHECK(wrong_host.err.find(by_name +
                              "/v1/ingest: TLS: the server's certificate is refused: SSL: no alternative "
                              "certificate subject name matches target host name 'localhost' (trusted: "
                              "the CA certificates in " +
                              team.certs.ca + ")") != std::string::npos);

    // A CA that did not sign it, and the system's CAs: both refuse it.
    h.configure(team.server.url(""), "  ca_file: " + team.certs.other_ca + "\n");
    auto untrusted = h.run({"sync", "--once"});
    CHECK(untrusted.exit_code == 1);
    CHECK(untrusted.err.find(": TLS: the server's certificate is refused: SSL certificate problem: unable to get "
                             "local issuer certificate (trusted: the CA certificates in " +
                             team.certs.other_ca + ")") != std::string::npos);
    h.configure(team.server.url(""));
    auto system_store = h.run({"sync", "--once"});
    CHECK(system_store.exit_code == 1);
    CHECK(system_store.err.find("(trusted: the system's CA certificates)") != std::string::npos);
    CHECK(h.status()["push"]["rows_waiting"] == 1);

    // Plain HTTP to the TLS port gets no answer, and the server goes on.
    usage::HttpClient plain;
    CHECK_THROWS_AS(plain.get("http://127.0.0.1:" + std::to_string(team.server.port()) + "/healthz"), usage::HttpError);
    CHECK(get_trusting(team.certs.ca, team.server.url("/healthz")).status == 200);
}

TEST_CASE(
    "serve TLS options: the key must be the certificate's, both go together, plain HTTP on a network address needs "
    "saying") {
    Certificates certs;
    testing::AgentHome home;
    auto mismatch = home.run({"serve", "--listen", "127.0.0.1:0", "--tls-cert", certs.ca, "--tls-key", certs.key});
    CHECK(mismatch.exit_code == 1);
    CHECK(mismatch.err ==
          "usage-agent: --tls-key " + certs.key + ": is not the key of the certificate in " + certs.ca + "\n");
    auto not_pem = home.run({"serve", "--listen", "127.0.0.1:0", "--tls-cert", certs.key, "--tls-key", certs.key});
    CHECK(not_pem.exit_code == 1);
    CHECK(not_pem.err.starts_with("usage-agent: --tls-cert " + certs.key + ": not a PEM certificate chain ("));
    auto alone = home.run({"serve", "--listen", "127.0.0.1:0", "--tls-cert", certs.cert});
    CHECK(alone.exit_code == 2);
    CHECK(alone.err.find("--tls-cert requires --tls-key") != std::string::npos);

    auto clear = home.run({"serve", "--ingest", "--listen", "0.0.0.0:0"});
    CHECK(clear.exit_code == 2);
    CHECK(
        clear.err.starts_with("usage-agent: --listen 0.0.0.0:0: a team endpoint on a network address would take "
                              "tokens and usage in clear text; give --tls-cert and --tls-key, or "
                              "--allow-plain-http when a TLS proxy in front of it terminates TLS"));
    {
        testing::ServeProcess proxied(home, {"--ingest", "--allow-plain-http"}, "0.0.0.0:0");
        CHECK(serve_test::healthy(proxied));
    }
    testing::ServeProcess secured(home, {"--ingest", "--tls-cert", certs.cert, "--tls-key", certs.key}, "0.0.0.0:0");
    CHECK(secured.url("").starts_with("https://"));
    CHECK(get_trusting(certs.ca, secured.url("/healthz")).status == 200);
}
