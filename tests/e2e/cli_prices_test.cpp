// `prices MODEL` through the real binary: the price shown is the one a
// report uses, including a plugin's model name mapping.
#include <doctest/doctest.h>

#include <chrono>

#include "test_support.hpp"

namespace {

const std::string kCursorHeader =
    "Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total "
    "Tokens,Cost\n";

const std::string kSonnetRates =
    "  matched   claude-sonnet-4-5 (built-in table)\n"
    "  provider  anthropic\n"
    "  USD/Mtok  input 3, output 15, cache read 0.3, cache write 5m 3.75, 1h 6\n"
    "  above 200,000 prompt tokens: input 6, output 22.5, cache read 0.6, cache write 5m 7.5, 1h 12\n";

}  // namespace

TEST_CASE("prices: a Cursor model name shows the mapped price that report models uses") {
    testing::AgentHome h;
    // 100,000 input and 10,000 output tokens of Cursor's `claude-4.5-sonnet`,
    // estimated (Included): 0.1 x $3 + 0.01 x $15 = $0.45 at claude-sonnet-4-5.
    testing::write_file(h.dir / "export.csv",
                        kCursorHeader +
                            "2026-01-12T09:00:00Z,Included,claude-4.5-sonnet,No,0,100000,0,10000,110000,"
                            "Included\n");
    REQUIRE(h.run({"import", "cursor-csv", (h.dir / "export.csv").string()}).exit_code == 0);
    const auto models = h.report("models");
    REQUIRE(models["rows"].size() == 1);
    CHECK(models["rows"][0]["key"] == "claude-4.5-sonnet");
    CHECK(models["rows"][0]["estimated_cost_usd"] == 0.45);
    CHECK(models["rows"][0]["unpriced_events"] == 0);

    const auto shown = h.run({"prices", "claude-4.5-sonnet"});
    CHECK(shown.exit_code == 0);
    CHECK(shown.err.empty());
    CHECK(shown.out ==
          "claude-4.5-sonnet\n"
          "  mapped    claude-4.5-sonnet \u2192 claude-sonnet-4-5 (Cursor model name)\n" +
              kSonnetRates);

    const auto json = h.run({"prices", "claude-4.5-sonnet", "--json"});
    REQUIRE(json.exit_code == 0);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["model"] == "claude-4.5-sonnet");
    CHECK(j["mapping"] ==
          nlohmann::json{{"source", "cursor"}, {"pricing_model", "claude-sonnet-4-5"}, {"rule", "Cursor model name"}});
    CHECK(j["matched"] == "claude-sonnet-4-5");
    CHECK(j["source"] == "built-in table");
    CHECK(j["rates"]["input"] == 3.0);
    CHECK_FALSE(j.contains("as_written"));

    // The list of the store's models agrees.
    const auto list = h.run({"prices"});
    CHECK(list.exit_code == 0);
    CHECK(list.out ==
          "MODEL              EVENTS  PRICE FROM\n"
          "claude-4.5-sonnet       1  claude-sonnet-4-5 (built-in table, Cursor model name)\n");
    const auto list_json = nlohmann::json::parse(h.run({"prices", "--json"}).out);
    CHECK(list_json == nlohmann::json::parse(R"([{"model": "claude-4.5-sonnet", "events": 1,
        "matched": "claude-sonnet-4-5", "source": "built-in table",
        "mapping": {"source": "cursor", "pricing_model": "claude-sonnet-4-5", "rule": "Cursor model name"}}])"));

    // A provider id is priced as written: no mapping line, `mapping` null.
    const auto plain = h.run({"prices", "claude-sonnet-4-5"});
    CHECK(plain.out == "claude-sonnet-4-5\n" + kSonnetRates);
    CHECK(nlohmann::json::parse(h.run({"prices", "claude-sonnet-4-5", "--json"}).out)["mapping"].is_null());
}

TEST_CASE("prices: a name that other sources price differently shows both readings") {
    testing::AgentHome h;
    // A price file that knows `gemini-3-pro` itself: Cursor's events of that
    // name are still priced as gemini-3-pro-preview (built-in), every other
    // source's as gemini-3-pro (price file).
    testing::write_file(h.dir / "litellm.json",
                        R"({"gemini-3-pro": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06,
                            "litellm_provider": "vertex_ai"}})");
    REQUIRE(h.run({"prices", "update", "--from", (h.dir / "litellm.json").string()}).exit_code == 0);
    const auto shown = h.run({"prices", "gemini-3-pro"});
    CHECK(shown.exit_code == 0);
    CHECK(shown.out ==
          "gemini-3-pro\n"
          "  mapped    gemini-3-pro \u2192 gemini-3-pro-preview (Cursor model name)\n"
          "  matched   gemini-3-pro-preview (built-in table)\n"
          "  provider  google\n"
          "  USD/Mtok  input 2, output 12, cache read 0.2, cache write 5m 2, 1h 4 (2x input)\n"
          "  above 200,000 prompt tokens: input 4, output 18, cache read 0.4, cache write 5m 4, 1h 8 (2x input)\n"
          "  as written, for the events of other sources:\n"
          "  matched   gemini-3-pro (price file)\n"
          "  provider  vertex_ai\n"
          "  USD/Mtok  input 1, output 5, cache read 1, cache write 5m 1, 1h 2 (2x input)\n");
    const auto j = nlohmann::json::parse(h.run({"prices", "gemini-3-pro", "--json"}).out);
    CHECK(j["matched"] == "gemini-3-pro-preview");
    CHECK(j["mapping"]["pricing_model"] == "gemini-3-pro-preview");
    CHECK(j["as_written"]["matched"] == "gemini-3-pro");
    CHECK(j["as_written"]["source"] == "price file");
    CHECK(j["as_written"]["rates"]["output"] == 5.0);
}

TEST_CASE("prices: an unknown name exits 1 naming the ids tried") {
    testing::AgentHome h;
    const auto r = h.run({"prices", "gpt-5-fast"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "usage-agent: no price for model 'gpt-5-fast' (tried: gpt-5-fast); add it under pricing.overrides in the "
          "config\n");
}

TEST_CASE("prices update --from URL: a redirect is followed, an oversize body and a silent server are refused") {
    using Reply = testing::LoopbackHttpServer::Reply;
    testing::AgentHome h;
    const std::string stored = (h.dir / "state" / "prices.json").string();
    testing::LoopbackHttpServer server(std::vector<Reply>{});
    server.set_script(
        {{302, "", {"Location: " + server.url("/v2/prices.json")}},
         {200, R"({"acme-coder": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06}})", {}}});
    auto r = h.run({"prices", "update", "--from", server.url("/latest")});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "stored 1 model prices from " + server.url("/latest") + " in " + stored + "\n");
    const auto requests = server.received();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].head.rfind("GET /latest HTTP/1.1\r\n", 0) == 0);
    CHECK(requests[1].head.rfind("GET /v2/prices.json HTTP/1.1\r\n", 0) == 0);
    CHECK(nlohmann::json::parse(h.run({"prices", "acme-coder", "--json"}).out)["rates"]["output"] == 4.0);

    // One byte over the 64 MiB cap.
    testing::LoopbackHttpServer huge(200, std::string((std::size_t{64} << 20) + 1, ' '));
    r = h.run({"prices", "update", "--from", huge.url("/huge.json")});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "usage-agent: " + huge.url("/huge.json") + ": response larger than 64 MiB\n");

    // A server that accepts, reads the request and never answers.
    testing::LoopbackHttpServer silent(testing::LoopbackHttpServer::Mode::hold);
    const auto start = std::chrono::steady_clock::now();
    r = h.run({"prices", "update", "--from", silent.url("/slow.json"), "--timeout", "1"});
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "usage-agent: " + silent.url("/slow.json") + ": no complete answer within 1 s\n");
    CHECK(silent.requests() == 1);  // accepted and read: a hang, not a refused connection
    CHECK(waited >= std::chrono::seconds(1));
    CHECK(waited < std::chrono::seconds(20));

    // After both failures the stored file is still the one in use.
    CHECK(nlohmann::json::parse(h.run({"prices", "acme-coder", "--json"}).out)["source"] == "price file");
    r = h.run({"prices", "update", "--from", server.url("/latest"), "--timeout", "0"});
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "usage-agent: --timeout: must be an integer of at least 1, got '0' (see 'usage-agent prices update "
          "--help')\n");
}
