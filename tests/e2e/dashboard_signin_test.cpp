// The dashboard in team mode, driven like a user through chromedriver: the
// page asks for a token, signing in sets an HttpOnly SameSite=Strict cookie
// the page's script cannot read (and nothing lands in localStorage), a
// member sees exactly their own numbers, signing out asks again. And the
// session route over plain HTTP: its refusals, and that the cookie opens
// reads but never uploads.
#include <doctest/doctest.h>

#include "serve_helpers.hpp"
#include "webdriver.hpp"

using namespace serve_test;

namespace {

// alice: 2 calls in one session; bob: 1 call.
struct Team {
    testing::AgentHome home;
    std::string alice, bob, admin;
    std::unique_ptr<testing::ServeProcess> server;
    Team() {
        alice = add_token(home, "alice", "member");
        bob = add_token(home, "bob", "member");
        admin = add_token(home, "root", "admin");
        server = std::make_unique<testing::ServeProcess>(home, std::vector<std::string>{"--ingest"});
        REQUIRE(ingest(*server,
                       batch("m-a", "laptop", {{"a1", "sa", kJan10, 100, 10}, {"a2", "sa", kJan10 + kMinute, 200, 20}}),
                       alice)
                    .status == 200);
        REQUIRE(ingest(*server, batch("m-b", "desk", {{"b1", "sb", kJan10, 5000, 500}}), bob).status == 200);
    }
};

usage::HttpResponse sign_in(const testing::ServeProcess& server, const std::string& body,
                            const std::string& type = "application/json") {
    usage::HttpClient client;
    return client.post(server.url("/api/v1/session"), body, {"Content-Type: " + type});
}

}  // namespace

TEST_CASE("dashboard sign-in: a member signs in on the page, sees only their numbers, signs out") {
    const auto tools = testing::chromedriver_or_skip();
    if (!tools) return;
    Team team;
    testing::WebDriver browser(tools->first, tools->second);
    browser.go(team.server->url("/?range=all&tz=UTC"));
    REQUIRE(browser.wait_for("document.body.dataset.state === 'signin'"));
    CHECK(browser.run("return document.getElementById('main').hidden;") == true);

    // A wrong token: the server's reason, still signed out.
    browser.type("#token", "ua_not-a-token");
    browser.click("#signin-form button[type=submit]");
    REQUIRE(browser.wait_for("!document.getElementById('signin-error').hidden"));
    CHECK(browser.run("return document.getElementById('signin-error').textContent;") == "unknown token");

    browser.type("#token", team.alice);
    browser.click("#signin-form button[type=submit]");
    REQUIRE(browser.wait_for("document.body.dataset.state === 'ready'"));
    CHECK(browser.run("return document.getElementById('who').textContent;") == "alice (member)");
    const auto mine = get_json(*team.server, "/api/v1/summary?range=all&tz=UTC", team.alice)["totals"];
    CHECK(mine["events"] == 2);
    CHECK(browser.run("return document.querySelector('[data-card=requests]').dataset.value;") == "2");
    CHECK(browser.run("return document.querySelector('[data-card=tokens]').dataset.value;") ==
          std::to_string(mine["total_tokens"].get<std::int64_t>()));
    CHECK(browser.run("return document.querySelector('[data-card=users]').dataset.value;") == "1");
    // Bob's user never shows, even when asked for in the URL: the API refuses.
    browser.go(team.server->url("/?range=all&tz=UTC&user=bob"));
    REQUIRE(browser.wait_for("document.body.dataset.state === 'error'"));
    CHECK(browser.run("return document.getElementById('error').textContent;")
              .get<std::string>()
              .find("a member token reads only its own user's usage ('alice')") != std::string::npos);
    // The token is in an HttpOnly cookie: not readable by the page, not stored.
    CHECK(browser.run("return document.cookie;") == "");
    CHECK(browser.run("return JSON.stringify(localStorage).indexOf('" + team.alice + "');") == -1);

    browser.go(team.server->url("/?range=all&tz=UTC"));
    REQUIRE(browser.wait_for("document.body.dataset.state === 'ready'"));  // the cookie outlives the page
    browser.click("#signout");
    REQUIRE(browser.wait_for("document.body.dataset.state === 'signin'"));
    browser.go(team.server->url("/?range=all&tz=UTC"));
    REQUIRE(browser.wait_for("document.body.dataset.state === 'signin'"));
    CHECK(team.server->stop() == 0);
}

TEST_CASE("dashboard sign-in: the session route sets an HttpOnly SameSite=Strict cookie that opens reads only") {
    Team team;
    auto& server = *team.server;
    const auto ok = sign_in(server, nlohmann::json{{"token", team.bob}}.dump());
    CHECK(ok.status == 200);
    CHECK(nlohmann::json::parse(ok.body) == nlohmann::json{{"mode", "team"}, {"user", "bob"}, {"role", "member"}});
    CHECK(ok.headers.at("set-cookie") ==
          "usage_session=" + team.bob + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800");
    // Behind a TLS proxy the cookie is Secure: never sent over plain HTTP.
    usage::HttpClient proxy;
    const auto via_tls = proxy.post(server.url("/api/v1/session"), nlohmann::json{{"token", team.bob}}.dump(),
                                    {"Content-Type: application/json", "X-Forwarded-Proto: https"});
    CHECK(via_tls.headers.at("set-cookie") ==
          "usage_session=" + team.bob + "; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=604800");

    const std::string cookie = "Cookie: theme=dark; usage_session=" + team.bob;
    usage::HttpClient client;
    const auto who = client.get(server.url("/api/v1/session"), {cookie});
    CHECK(who.status == 200);
    CHECK(nlohmann::json::parse(who.body)["user"] == "bob");
    const auto read = client.get(server.url("/api/v1/summary?range=all"), {cookie});
    CHECK(read.status == 200);
    CHECK(nlohmann::json::parse(read.body)["totals"]["events"] == 1);  // bob's own
    // An upload never goes by the cookie.
    const auto up = client.post(server.url("/v1/ingest"), batch("m-b", "desk", {{"b2", "sb", kJan10, 1, 1}}),
                                {"Content-Type: application/json", cookie});
    CHECK(up.status == 401);
    CHECK(get_json(server, "/api/v1/summary?range=all", team.admin)["totals"]["events"] == 3);

    CHECK(sign_in(server, nlohmann::json{{"token", "nope"}}.dump()).status == 401);
    CHECK(error_of(sign_in(server, "token=" + team.bob, "application/x-www-form-urlencoded")) ==
          "sign in with a JSON body {\"token\": \"...\"} (Content-Type: application/json)");
    CHECK(sign_in(server, "[]").status == 400);
    CHECK(client.get(server.url("/api/v1/session")).status == 401);
    CHECK(client.get(server.url("/api/v1/session"), {"Cookie: usage_session=forged"}).status == 401);
    CHECK(server.stop() == 0);
}

TEST_CASE("dashboard sign-in: local mode needs none") {
    testing::AgentHome home;
    testing::ServeProcess server(home);
    CHECK(get_json(server, "/api/v1/session") == nlohmann::json{{"mode", "local"}});
    CHECK(sign_in(server, "{\"token\": \"x\"}").status == 404);
    CHECK(server.stop() == 0);
}
