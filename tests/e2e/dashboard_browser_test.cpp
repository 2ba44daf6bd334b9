// The dashboard in a real browser: `serve` on a store with known numbers,
// Debian's chromium headless loading the page for several filter URLs. The
// cards show exactly the read API's totals, the charts are drawn, a hostile
// project name stays text, and the page runs under its Content-Security-
// Policy without a refusal or a script error.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "headless_browser.hpp"
#include "serve_helpers.hpp"
#include "usage/pricing/pricing.hpp"
#include "usage/store/limit_store.hpp"
#include "usage/store/store.hpp"

using namespace serve_test;

namespace {

const std::string kHostile = "<img src=x onerror=alert(1)>";

usage::UsageEvent event(const std::string& id, const std::string& source, const std::string& session,
                        const std::string& project, const std::string& model, std::int64_t ts,
                        usage::TokenCounts tokens) {
    usage::UsageEvent e;
    e.id = id;
    e.source = source;
    e.session_id = session;
    e.project_name = project;
    e.model = model;
    e.timestamp_ms = ts;
    e.tokens = tokens;
    e.surface = "cli";
    return e;
}

// Four calls in three sessions over three days, of three sources: one
// priced by the built-in table, one with a reported cost, one unpriced; and
// three calls that failed (two of claude-code's session, one of opencode's).
void fill(const std::filesystem::path& dir) {
    usage::PriceBook prices;
    usage::Store store(dir);
    store.use_prices(prices);
    std::vector<usage::FileBatch> batches(3);
    batches[0].source = "claude-code";
    batches[0].path = "/c";
    batches[0].events = {
        event("c:1", "claude-code", "s1", "api", kSonnet, kJan10, {1000, 200, 0, 5000, 300, 0}),
        event("c:2", "claude-code", "s1", "api", kSonnet, kJan10 + 10 * kMinute, {500, 100, 0, 8000, 0, 0})};
    for (auto& e : batches[0].events) e.repository = "https://github.com/acme/api.git";
    batches[1].source = "codex-cli";
    batches[1].path = "/x";
    auto codex =
        event("x:1", "codex-cli", "s2", kHostile, "gpt-5", kJan10 + 24 * 60 * kMinute, {2000, 400, 100, 0, 0, 0});
    codex.reported_cost_micros = 1'234'567;
    batches[1].events = {codex};
    batches[2].source = "opencode";
    batches[2].path = "/o";
    batches[2].events = {
        event("o:1", "opencode", "s3", "web", "mystery-model", kJan10 + 48 * 60 * kMinute, {10, 10, 0, 0, 0, 0})};
    batches[2].events[0].repository = "git@github.com:acme/web.git";
    for (auto [batch, id, minute] :
         {std::tuple{0, "c:f1", 5}, std::tuple{0, "c:f2", 20}, std::tuple{2, "o:f1", 2881}}) {
        usage::UsageEvent failed = batches[batch].events[0];
        failed.id = id;
        failed.tokens = {};
        failed.timestamp_ms = kJan10 + minute * kMinute;
        failed.failure = "rate_limit";
        batches[batch].events.push_back(failed);
    }
    store.apply(batches);
    // opencode's session s3 has Claude Code's figure in the ledger (as a
    // statusline would record it): the sessions table shows it, unmarked.
    store.record_session_cost({"opencode", "s3", 2'500'000, "mystery-model", "1.0", kJan10});
}

struct Card {
    std::string value;  ///< data-value: the number the API gave
    std::string text;   ///< what the card shows
};

// Each card as the page serialized it: <div class="card" data-card="K"
// data-value="V"><div class="label">..</div><div class="value">TEXT</div>...
// (Read by hand: std::regex trips GCC 12's -Wmaybe-uninitialized under ASan.)
std::map<std::string, Card> cards(const std::string& dom) {
    std::map<std::string, Card> out;
    auto between = [&](std::size_t from, const std::string& open, const std::string& close, std::size_t& end) {
        const auto a = dom.find(open, from);
        if (a == std::string::npos) return std::string();
        const auto b = dom.find(close, a + open.size());
        end = b;
        return dom.substr(a + open.size(), b - a - open.size());
    };
    for (auto at = dom.find("data-card=\""); at != std::string::npos; at = dom.find("data-card=\"", at + 1)) {
        std::size_t end = at;
        const std::string key = between(at, "data-card=\"", "\"", end);
        Card c;
        c.value = between(end, "data-value=\"", "\"", end);
        c.text = between(end, "<div class=\"value\">", "</div>", end);
        out[key] = c;
    }
    return out;
}

// The API's totals as the cards carry them.
void check_cards_match(const std::map<std::string, Card>& shown, const nlohmann::json& t) {
    const std::pair<const char*, const char*> pairs[] = {{"cost", "cost_usd"},
                                                         {"unpriced", "unpriced_events"},
                                                         {"sessions", "sessions"},
                                                         {"requests", "events"},
                                                         {"tokens", "total_tokens"},
                                                         {"avg-tokens", "avg_tokens_per_session"},
                                                         {"avg-cost", "avg_cost_usd_per_session"},
                                                         {"avg-duration", "avg_session_seconds"},
                                                         {"users", "users"},
                                                         {"machines", "machines"}};
    for (const auto& [card, field] : pairs) {
        INFO(card);
        REQUIRE(shown.contains(card));
        CHECK(std::stod(shown.at(card).value) == t.at(field).get<double>());
    }
    CHECK(std::stod(shown.at("cache").value) ==
          t.at("cache_read_tokens").get<double>() + t.at("cache_write_tokens").get<double>());
    const double requests = t.at("events").get<double>() + t.at("failed_requests").get<double>();
    CHECK(std::stod(shown.at("success").value) ==
          doctest::Approx(requests > 0 ? t.at("events").get<double>() / requests : 1.0));
}

// The page logged nothing: no script error ("Uncaught ..."), no Content
// Security Policy refusal ("... violates the following Content Security
// Policy directive"), no console message at all.
void check_console_clean(const std::string& console) {
    INFO(console);
    CHECK(console.find(":CONSOLE") == std::string::npos);
}

}  // namespace

TEST_CASE("dashboard: the page in chromium shows the API's exact totals for each filter URL, charts drawn") {
    const auto chromium = testing::chromium_or_skip();
    if (!chromium) return;
    testing::AgentHome home;
    testing::TempDir store_dir;
    fill(store_dir.path());
    testing::ServeProcess server(home, {"--store", store_dir.path().string()});

    const std::vector<std::string> queries = {
        "range=all&tz=UTC", "range=all&tz=UTC&source=codex-cli", "since=2026-01-10&until=2026-01-11&tz=UTC",
        "range=all&tz=UTC&project=api&model=sonnet", "range=all&tz=UTC&repository=git%40github.com%3Aacme%2Fweb.git"};
    for (const auto& query : queries) {
        INFO(query);
        const auto page = testing::load_page(*chromium, server.url("/?" + query));
        REQUIRE(page.exit_code == 0);
        CHECK(page.dom.find("data-state=\"ready\"") != std::string::npos);
        check_console_clean(page.console);
        // No plan limits in this store: the section stays hidden.
        CHECK(
            page.dom.find("<section id=\"limits-section\" class=\"limits\" aria-label=\"Plan limits\" hidden=\"\">") !=
            std::string::npos);
        const auto totals = get_json(server, "/api/v1/summary?" + query)["totals"];
        check_cards_match(cards(page.dom), totals);
        // Every chart drawn: Chart.js sizes its canvas through the CSSOM.
        for (const char* id : {"chart-tokens", "chart-cost-time", "chart-source", "chart-model", "chart-requests",
                               "chart-sessions", "chart-types", "chart-months"}) {
            INFO(id);
            const auto at = page.dom.find(std::string("<canvas id=\"") + id + "\"");
            REQUIRE(at != std::string::npos);
            const auto tag = page.dom.substr(at, page.dom.find('>', at) - at);
            CHECK(tag.find("style=\"display: block;") != std::string::npos);
        }
    }

    // The whole store, shown as a user reads it.
    const auto all = cards(testing::load_page(*chromium, server.url("/?range=all&tz=UTC")).dom);
    CHECK(all.at("sessions").text == "3");
    CHECK(all.at("requests").text == "4");
    // Three of seven requests failed: 57.14% (rounded down, never up to a better rate).
    CHECK(all.at("success").text == "57.14%");
    CHECK(all.at("tokens").text == "17,520");
    CHECK(all.at("unpriced").text == "1");
    CHECK(all.at("users").text == "1");
    CHECK(all.at("cache").text == "13,300");
    CHECK(all.at("cost").text.starts_with("~$"));    // estimates are marked
    CHECK(all.at("avg-duration").text == "3m 20s");  // (600 s + 0 + 0) / 3
    // Input / output: Sonnet's estimate 9,525 / 4,500 micro-dollars; codex's reported
    // $1.234567 split 5:8 by gpt-5's rates (2,000 x 1.25 : 400 x 10); the unpriced model none.
    CHECK(all.at("io-cost").value == "0.484358");
    CHECK(all.at("io-cost").text == "~$0.48 / ~$0.76");
    const auto codex = cards(testing::load_page(*chromium, server.url("/?range=all&tz=UTC&source=codex-cli")).dom);
    CHECK(codex.at("cost").text == "$1.23");  // reported only: no ~
    // The insights, as the API words them.
    const auto page = testing::load_page(*chromium, server.url("/?range=all&tz=UTC")).dom;
    CHECK(page.find("<li data-kind=\"unpriced_model\">model mystery-model: 1 request has no known price and is not "
                    "in the cost</li>") != std::string::npos);
    CHECK(codex.at("requests").text == "1");
    CHECK(codex.at("success").text == "100%");
    // The repositories table (codex's call has none) and the filter's choices.
    const auto repositories = page.substr(page.find("<table id=\"table-repositories\">"));
    CHECK(repositories.find("<td>https://github.com/acme/api.git</td><td class=\"num\">1</td>") != std::string::npos);
    CHECK(repositories.find("<td>(none)</td>") != std::string::npos);
    CHECK(page.find("<option value=\"git@github.com:acme/web.git\">git@github.com:acme/web.git</option>") !=
          std::string::npos);
    const auto web = cards(
        testing::load_page(*chromium, server.url("/?range=all&tz=UTC&repository=git%40github.com%3Aacme%2Fweb.git"))
            .dom);
    CHECK(web.at("requests").text == "1");
    CHECK(web.at("sessions").text == "1");
    // Sessions: s3's ledger figure as it is, s1's events' sum marked estimated,
    // s2's reported cost unmarked.
    const auto sessions = page.substr(page.find("<table id=\"table-sessions\">"));
    const auto cost_cell = [&](const std::string& models) {
        const auto row = sessions.find("<td>" + models + "</td>");
        REQUIRE(row != std::string::npos);
        const auto cell = sessions.find("<td class=\"num\">", row) + 16;
        return sessions.substr(cell, sessions.find("</td>", cell) - cell);
    };
    CHECK(cost_cell("mystery-model") == "$2.50");
    CHECK(cost_cell(kSonnet) == "~$0.01");
    CHECK(cost_cell("gpt-5") == "$1.23");
    CHECK(server.stop() == 0);
}

TEST_CASE("dashboard: the plan limits card shows each window's use, reset and cost per 1% as the API gives them") {
    const auto chromium = testing::chromium_or_skip();
    if (!chromium) return;
    testing::AgentHome home;
    testing::TempDir store_dir;
    const std::int64_t hour = 3600 * 1000;
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() *
        1000;
    {
        usage::PriceBook prices;
        usage::Store store(store_dir.path());
        store.use_prices(prices);
        // gpt-5, 200k input 2 h ago: $0.25 in the 5 h window that resets in 2 h, 2.5% used.
        store.apply({usage::FileBatch{
            "codex-cli",
            "/x",
            {event("x:1", "codex-cli", "s1", "api", "gpt-5", now - 2 * hour, {200000, 0, 0, 0, 0, 0})},
            std::nullopt}});
        usage::record_limit(store, {"codex-cli", "primary", 300, 2.5, now + 2 * hour, "plus", now - 600000, "s1"});
        // A week's reading from 3 h ago: marked stale.
        usage::record_limit(store,
                            {"codex-cli", "secondary", 10080, 40, now + 96 * hour, "plus", now - 3 * hour, "s1"});
    }
    testing::ServeProcess server(home, {"--store", store_dir.path().string()});
    const auto page = testing::load_page(*chromium, server.url("/?range=all&tz=UTC"));
    REQUIRE(page.exit_code == 0);
    CHECK(page.dom.find("data-state=\"ready\"") != std::string::npos);
    check_console_clean(page.console);
    CHECK(page.dom.find("<section id=\"limits-section\" class=\"limits\" aria-label=\"Plan limits\">") !=
          std::string::npos);  // shown (no `hidden`)
    const auto shown = cards(page.dom);
    REQUIRE(shown.contains("limit:codex-cli:primary"));
    CHECK(shown.at("limit:codex-cli:primary").value == "2.5");
    CHECK(shown.at("limit:codex-cli:primary").text == "2.5%");
    CHECK(shown.at("limit:codex-cli:secondary").text == "40%");
    const auto note = [&](const std::string& key) {
        const auto at = page.dom.find("data-card=\"" + key + "\"");
        const auto from = page.dom.find("<div class=\"note\">", at) + 18;
        return page.dom.substr(from, page.dom.find("</div>", from) - from);
    };
    INFO(note("limit:codex-cli:primary"));
    // The page reads the API a moment after `now`: the time left may have lost a minute.
    const auto has_either = [](const std::string& text, const std::string& a, const std::string& b) {
        return text.find(a) != std::string::npos || text.find(b) != std::string::npos;
    };
    CHECK(has_either(note("limit:codex-cli:primary"), "(in 2 h)", "(in 1 h 59 min)"));
    CHECK(note("limit:codex-cli:primary").find("~$0.10 per 1% · ~$0.25 spent in window") != std::string::npos);
    CHECK(note("limit:codex-cli:primary").ends_with("observed 10 min ago"));
    CHECK(has_either(note("limit:codex-cli:secondary"), "(in 4 d)", "(in 3 d 23 h)"));
    CHECK(note("limit:codex-cli:secondary").ends_with("observed 3 h ago (stale)"));
    CHECK(page.dom.find("<div class=\"card stale\" data-card=\"limit:codex-cli:secondary\"") != std::string::npos);
    CHECK(server.stop() == 0);
}

TEST_CASE("dashboard: a hostile project name is shown as text, never run as HTML") {
    const auto chromium = testing::chromium_or_skip();
    if (!chromium) return;
    testing::AgentHome home;
    testing::TempDir store_dir;
    fill(store_dir.path());
    testing::ServeProcess server(home, {"--store", store_dir.path().string()});
    for (const std::string url :
         {"/?range=all&tz=UTC", "/?range=all&tz=UTC&project=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"}) {
        INFO(url);
        const auto page = testing::load_page(*chromium, server.url(url));
        REQUIRE(page.dom.find("data-state=\"ready\"") != std::string::npos);
        check_console_clean(page.console);
        CHECK(page.dom.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
        CHECK(page.dom.find("<img") == std::string::npos);
    }
    const auto filtered = cards(
        testing::load_page(*chromium, server.url("/?range=all&tz=UTC&project=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"))
            .dom);
    CHECK(filtered.at("requests").text == "1");
    CHECK(server.stop() == 0);
}

TEST_CASE("dashboard: the page's files carry a Content-Security-Policy that allows only this origin") {
    testing::AgentHome home;
    testing::ServeProcess server(home);
    usage::HttpClient client;
    const auto page = client.get(server.url("/"));
    CHECK(page.status == 200);
    CHECK(page.headers.at("content-type") == "text/html; charset=utf-8");
    CHECK(page.headers.at("content-security-policy") ==
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    CHECK(page.headers.at("x-content-type-options") == "nosniff");
    CHECK(page.headers.at("x-frame-options") == "DENY");
    CHECK(page.headers.at("referrer-policy") == "no-referrer");
    CHECK(page.body.starts_with("<!doctype html>"));
    CHECK(page.body.find("<script src=\"/assets/chart.min.js\" defer></script>") != std::string::npos);
    CHECK(page.body.find("http://") == std::string::npos);  // nothing from another host
    CHECK(page.body.find("https://") == std::string::npos);
    const auto chart = client.get(server.url("/assets/chart.min.js"));
    CHECK(chart.status == 200);
    CHECK(chart.headers.at("content-type") == "text/javascript; charset=utf-8");
    CHECK(chart.body.find("Chart.js v3") != std::string::npos);
    CHECK(client.get(server.url("/assets/dashboard.js")).status == 200);
    CHECK(client.get(server.url("/assets/limits.js")).status == 200);
    CHECK(client.get(server.url("/assets/dashboard.css")).status == 200);
    CHECK(client.get(server.url("/assets/nothing.js")).status == 404);
    CHECK(server.stop() == 0);
}
