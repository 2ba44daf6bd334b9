// The `budgets:` config key: every field read as written, defaults, errors
// naming file, line and the entry's key, and `config show` writing back what
// loads again the same.
#include <doctest/doctest.h>

#include "usage/config/config.hpp"

namespace {

const char* kFull = R"(budgets:
  - name: claude-daily
    period: day
    time_zone: Europe/Berlin
    limit_usd: 20
    thresholds: [100, 50, 80]
    filter: {source: claude-code, model: opus, project: webshop, repository: "https://git.example.com/shop",
             machine: box-1, user: alice}
    per: user
    notify:
      - webhook: https://hooks.example/T000/B000
      - desktop: true
      - desktop: false
      - command: ["/usr/local/bin/page-me", "--quiet"]
  - name: monthly
    period: month
    limit_usd: 250.5
)";

void check_error(const std::string& yaml, const std::string& message) {
    INFO(yaml);
    CHECK_THROWS_WITH_AS(usage::parse_config(yaml, "config.yaml"), doctest::Contains(message.c_str()),
                         usage::ConfigError);
}

}  // namespace

TEST_CASE("budget config: every field of an entry is read, the rest default") {
    const auto c = usage::parse_config(kFull, "config.yaml");
    REQUIRE(c.budgets.size() == 2);
    const auto& b = c.budgets[0];
    CHECK(b.name == "claude-daily");
    CHECK(b.period == usage::BudgetPeriod::day);
    CHECK(b.time_zone == "Europe/Berlin");
    CHECK(b.limit_usd == 20.0);
    CHECK(b.limit_micros() == 20'000'000);
    CHECK(b.thresholds == std::vector<int>{50, 80, 100});
    CHECK(b.filter.source == "claude-code");
    CHECK(b.filter.model == "opus");
    CHECK(b.filter.project == "webshop");
    CHECK(b.filter.repository == "https://git.example.com/shop");
    CHECK(b.filter.machine == "box-1");
    CHECK(b.filter.user == "alice");
    CHECK(b.per == usage::BudgetScope::user);
    REQUIRE(b.notify.size() == 3);  // `desktop: false` is no notifier
    CHECK(b.notify[0].kind == usage::BudgetNotifier::Kind::webhook);
    CHECK(b.notify[0].url == "https://hooks.example/T000/B000");
    CHECK(b.notify[0].key() == "webhook https://hooks.example/T000/B000");
    CHECK(b.notify[1].kind == usage::BudgetNotifier::Kind::desktop);
    CHECK(b.notify[1].key() == "desktop");
    CHECK(b.notify[2].argv == std::vector<std::string>{"/usr/local/bin/page-me", "--quiet"});
    CHECK(b.notify[2].key() == "command /usr/local/bin/page-me --quiet");

    const auto& m = c.budgets[1];
    CHECK(m.name == "monthly");
    CHECK(m.period == usage::BudgetPeriod::month);
    CHECK(m.time_zone.empty());
    CHECK(m.limit_micros() == 250'500'000);
    CHECK(m.thresholds == std::vector<int>{50, 80, 100});
    CHECK(m.per == usage::BudgetScope::all);
    CHECK(m.notify.empty());
    CHECK(usage::parse_config("user: bob\n", "c.yaml").budgets.empty());
}

TEST_CASE("budget config: errors name the file, the line and the entry's key") {
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: lots\n",
                "config.yaml:4: 'budgets[0].limit_usd' must be a number of US dollars above 0, got 'lots'");
    check_error(
        "budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n  - name: b\n    period: day\n"
        "    limit_usd: -3\n",
        "config.yaml:7: 'budgets[1].limit_usd' must be a number of US dollars above 0 (at most 1e9), got -3");
    check_error("budgets:\n  - name: a\n    period: fortnight\n    limit_usd: 1\n",
                "config.yaml:3: 'budgets[0].period' must be day, week or month, got 'fortnight'");
    check_error("budgets:\n  - name: a\n    limit_usd: 1\n", "config.yaml:2: 'budgets[0]' needs 'period'");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    limt: 2\n",
                "config.yaml:5: unknown key 'budgets[0].limt'");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    thresholds: [50, 50]\n",
                "config.yaml:5: 'budgets[0].thresholds' lists 50 twice");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    thresholds: [0]\n",
                "config.yaml:5: 'budgets[0].thresholds' must be a list of percentages from 1 to 1000");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    time_zone: Mars/Olympus\n",
                "config.yaml:5: 'budgets[0].time_zone': unknown time zone 'Mars/Olympus'");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    filter: {sorce: x}\n",
                "config.yaml:5: unknown key 'budgets[0].filter.sorce'");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    per: team\n",
                "config.yaml:5: 'budgets[0].per' must be all, user or project, got 'team'");
    check_error(
        "budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    notify:\n      - webhook: hooks.example\n",
        "config.yaml:6: 'budgets[0].notify[0].webhook' must be an http:// or https:// URL, got 'hooks.example'");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    notify:\n      - command: []\n",
                "config.yaml:6: 'budgets[0].notify[0].command' must be a list");
    check_error("budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n    notify:\n      - email: x@y\n",
                "config.yaml:6: unknown key 'budgets[0].notify[0].email'");
    check_error(
        "budgets:\n  - name: a\n    period: day\n    limit_usd: 1\n  - name: a\n    period: week\n"
        "    limit_usd: 2\n",
        "config.yaml:5: 'budgets[1].name' repeats the budget name 'a'");
    check_error("budgets: {name: a}\n", "config.yaml:1: 'budgets' must be a list of budgets");
}

TEST_CASE("budget config: config show writes the entries back as they load") {
    const auto c = usage::parse_config(kFull, "config.yaml");
    const std::string shown = usage::render_config(c);
    INFO(shown);
    const auto again = usage::parse_config(shown, "shown.yaml");
    REQUIRE(again.budgets.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& a = c.budgets[i];
        const auto& b = again.budgets[i];
        CHECK(a.name == b.name);
        CHECK(a.period == b.period);
        CHECK(a.time_zone == b.time_zone);
        CHECK(a.limit_usd == b.limit_usd);
        CHECK(a.thresholds == b.thresholds);
        CHECK(a.filter.model == b.filter.model);
        CHECK(a.filter.repository == b.filter.repository);
        CHECK(a.per == b.per);
        REQUIRE(a.notify.size() == b.notify.size());
        for (std::size_t n = 0; n < a.notify.size(); ++n) CHECK(a.notify[n].key() == b.notify[n].key());
    }
    // The key's line in `config init` and `config keys`.
    CHECK(usage::default_config_text().find("\n# budgets: []") != std::string::npos);
    CHECK(usage::config_keys_text().find("budgets (list of budgets; default: [])") != std::string::npos);
}
