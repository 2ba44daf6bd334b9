// Prices at the edges through the real binary: `prices update` skips a
// model whose rate is not a price and names it, config overrides refuse
// negative, non-finite and absurd rates naming the model and field, and a
// stored price file that cannot be used never blocks a command.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kGood = R"({"good-model": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06}})";

fs::path price_file(const testing::AgentHome& h) {
    return h.dir / "state" / "prices.json";
}

}  // namespace

TEST_CASE("prices numbers: prices update skips and names models whose rates are not prices") {
    testing::AgentHome h;
    const fs::path from = h.dir / "litellm.json";
    testing::write_file(from, R"({
      "good-model": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06},
      "negative-model": {"input_cost_per_token": -2e-06, "output_cost_per_token": 8e-06},
      "huge-model": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8}
    })");
    auto r = h.run({"prices", "update", "--from", from.string()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err == "warning: " + from.string() +
                       ": skipped model 'huge-model': output_cost_per_token is 8, not a price (0..0.01 USD per "
                       "token)\nwarning: " +
                       from.string() +
                       ": skipped model 'negative-model': input_cost_per_token is -2e-06, not a price (0..0.01 USD "
                       "per token)\n");
    CHECK(r.out == "stored 1 model prices from " + from.string() + " in " + price_file(h).string() + "\n");
    auto good = h.run({"prices", "good-model", "--json"});
    REQUIRE(good.exit_code == 0);
    CHECK(nlohmann::json::parse(good.out)["source"] == "price file");
    CHECK(h.run({"prices", "huge-model"}).exit_code == 1);  // not in the stored file
}

TEST_CASE("prices numbers: config overrides refuse rates that are not prices, naming model and field") {
    const std::pair<std::string, std::string> cases[] = {
        {"input: -3, output: 15", "'pricing.overrides.my-model.input' is -3"},
        {"input: .nan, output: 15", "'pricing.overrides.my-model.input' is .nan"},
        {"input: 3, output: .inf", "'pricing.overrides.my-model.output' is .inf"},
        {"input: 3, output: 15, cache_read: 1e9", "'pricing.overrides.my-model.cache_read' is 1e9"},
        {"input: 3, output: 15, cache_write_1h: -.inf", "'pricing.overrides.my-model.cache_write_1h' is -.inf"},
    };
    for (const auto& [rates, what] : cases) {
        INFO(rates);
        testing::AgentHome h;
        const fs::path cfg = h.dir / "c.yaml";
        testing::write_file(cfg, "pricing:\n  overrides:\n    my-model: {" + rates + "}\n");
        const std::string want =
            "usage-agent: " + cfg.string() + ":3: " + what + ", not a price (0..10000 USD per million tokens)\n";
        auto check = h.run({"--config", cfg.string(), "config", "check"});
        CHECK(check.exit_code == 1);
        CHECK(check.err == want);
        auto report = h.run({"--config", cfg.string(), "report", "summary"});
        CHECK(report.exit_code == 1);
        CHECK(report.err == want);
    }
    testing::AgentHome h;
    const fs::path cfg = h.dir / "c.yaml";
    testing::write_file(cfg, "pricing:\n  overrides:\n    my-model: {input: 10000, output: 0}\n");
    CHECK(h.run({"--config", cfg.string(), "config", "check"}).exit_code == 0);
}

TEST_CASE("prices numbers: an unusable stored price file is ignored with one line, never blocks a command") {
    const std::string ignored = ": ignored, using the built-in prices (`usage-agent prices update` replaces it)\n";
    struct Case {
        const char* name;
        std::string why;
    };
    for (const auto& c : {Case{"garbage",
                               ": not a usable price file: parse error at line 1, column 1: syntax error "
                               "while parsing value - invalid literal; last read: 'g'"},
                          Case{"negative rate",
                               ": not a usable price file: model 'x': input is -1, not a price "
                               "(0..10000 USD per million tokens)"},
                          Case{"a symlink loop", ": cannot read: Too many levels of symbolic links"}}) {
        INFO(c.name);
        testing::AgentHome h;
        fs::create_directories(price_file(h).parent_path());
        if (std::string(c.name) == "garbage")
            testing::write_file(price_file(h), "garbage");
        else if (std::string(c.name) == "negative rate")
            testing::write_file(price_file(h), R"({"models": [{"model": "x", "base": {"input": -1, "output": 1,
                "cache_read": 1, "cache_write_5m": 1}}]})");
        else
            fs::create_symlink(price_file(h), price_file(h));
        const std::string warning = "warning: " + price_file(h).string() + c.why + ignored;

        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"status"}, std::vector<std::string>{"sync", "--once"},
              std::vector<std::string>{"report", "summary", "--json"}}) {
            INFO(args[0]);
            auto r = h.run(args);
            CHECK(r.exit_code == 0);
            CHECK(r.err == warning);
        }
        const fs::path from = h.dir / "litellm.json";
        testing::write_file(from, kGood);
        auto update = h.run({"prices", "update", "--from", from.string()});
        CHECK(update.exit_code == 0);
        CHECK(update.err == warning);
        CHECK(update.out.starts_with("stored 1 model prices from "));
        // Replaced: no warning any more, and the new prices are used.
        auto after = h.run({"prices", "good-model", "--json"});
        CHECK(after.err.empty());
        CHECK(after.exit_code == 0);
    }
}
