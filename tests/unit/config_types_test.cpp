// Config keys of every type from the key table: good values land in Config,
// bad ones are errors naming the file, line and full key, word for word.
#include <doctest/doctest.h>

#include "usage/config/config.hpp"

namespace {

usage::Config parse(const std::string& text) {
    return usage::parse_config(text, "c.yaml");
}

// The exact message parse_config throws for `text`, or "" when it loads.
std::string error_of(const std::string& text) {
    try {
        (void)parse(text);
    } catch (const usage::ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("config types: bool") {
    CHECK(parse("sync:\n  insecure_skip_verify: true\n").sync.insecure_skip_verify);
    CHECK_FALSE(parse("sources:\n  cursor:\n    enabled: false\n").source("cursor").enabled);
    CHECK(error_of("sources:\n  cursor:\n    enabled: maybe\n") ==
          "c.yaml:3: 'sources.cursor.enabled' must be true or false, got 'maybe'");
    CHECK(error_of("sync:\n  insecure_skip_verify: [true]\n") ==
          "c.yaml:2: 'sync.insecure_skip_verify' must be true or false");
}

TEST_CASE("config types: integer with bounds") {
    CHECK(parse("sync:\n  batch_size: 10000\n").sync.batch_size == 10000);
    CHECK(parse("sync:\n  max_attempts: 1\n").sync.max_attempts == 1);
    CHECK(error_of("sync:\n  batch_size: 0\n") == "c.yaml:2: 'sync.batch_size' must be between 1 and 10000");
    CHECK(error_of("sync:\n  max_attempts: 101\n") == "c.yaml:2: 'sync.max_attempts' must be between 1 and 100");
    CHECK(error_of("sync:\n  batch_size: 1.5\n") == "c.yaml:2: 'sync.batch_size' must be an integer, got '1.5'");
    CHECK(error_of("sync:\n  batch_size: {n: 1}\n") == "c.yaml:2: 'sync.batch_size' must be an integer");
}

TEST_CASE("config types: duration in seconds") {
    CHECK(parse("sync:\n  interval: 1\n").sync.interval_seconds == 1);
    CHECK(parse("sources:\n  opencode:\n    min_interval: 0\n").source("opencode").min_interval_seconds == 0);
    CHECK_FALSE(parse("sources:\n  opencode: {}\n").source("opencode").min_interval_seconds.has_value());
    CHECK(error_of("sync:\n  interval: 0\n") == "c.yaml:2: 'sync.interval' must be at least 1 second");
    CHECK(error_of("sync:\n  interval: 5m\n") == "c.yaml:2: 'sync.interval' must be an integer (seconds), got '5m'");
    CHECK(error_of("sources:\n  cursor:\n    min_interval: 86401\n") ==
          "c.yaml:3: 'sources.cursor.min_interval' must be between 0 and 86400 seconds");
    CHECK(error_of("sources:\n  cursor:\n    min_interval: -1\n") ==
          "c.yaml:3: 'sources.cursor.min_interval' must be between 0 and 86400 seconds");
}

TEST_CASE("config types: string, path and list of paths") {
    const auto c =
        parse("machine_name: box\nsync:\n  token_file: ~/t\nsources:\n  codex-cli:\n    paths: [/a, \"/b c\"]\n");
    CHECK(c.machine_name == "box");
    CHECK(c.sync.token_file == "~/t");  // expanded by load_config, not parse_config
    REQUIRE(c.source("codex-cli").paths.size() == 2);
    CHECK(c.source("codex-cli").paths[1] == "/b c");
    CHECK(error_of("user: [a, b]\n") == "c.yaml:1: 'user' must be a string");
    CHECK(error_of("sync:\n  ca_file: {a: 1}\n") == "c.yaml:2: 'sync.ca_file' must be a path");
    CHECK(error_of("sources:\n  codex-cli:\n    paths: /a\n") ==
          "c.yaml:3: 'sources.codex-cli.paths' must be a list of paths");
    CHECK(error_of("sources:\n  codex-cli:\n    paths: [[/a]]\n") ==
          "c.yaml:3: 'sources.codex-cli.paths' must be a path");
}

TEST_CASE("config types: enumeration with synonyms, and the drive that turns it on") {
    using Mode = usage::WslConfig::Mode;
    CHECK(parse("wsl:\n  windows: auto\n").wsl.mode == Mode::automatic);
    CHECK(parse("wsl:\n  windows: on\n").wsl.mode == Mode::on);
    CHECK(parse("wsl:\n  windows: true\n").wsl.mode == Mode::on);
    CHECK(parse("wsl:\n  windows: false\n").wsl.mode == Mode::off);
    CHECK(parse("wsl:\n  windows_drive: /mnt/d\n").wsl.mode == Mode::on);
    CHECK(parse("wsl:\n  windows_drive: /mnt/d\n  windows: off\n").wsl.mode == Mode::off);
    CHECK(parse("wsl:\n  windows_drive: /mnt/d\n").wsl.windows_drive == "/mnt/d");
    CHECK(error_of("wsl:\n  windows: sometimes\n") ==
          "c.yaml:2: 'wsl.windows' must be auto, on or off, got 'sometimes'");
    CHECK(error_of("wsl:\n  windows: [on]\n") == "c.yaml:2: 'wsl.windows' must be auto, on or off");
}

TEST_CASE("config types: URL") {
    CHECK(parse("sync:\n  endpoint: http://127.0.0.1:8787\n").sync.endpoint == "http://127.0.0.1:8787");
    CHECK(error_of("sync:\n  endpoint: [x]\n") == "c.yaml:2: 'sync.endpoint' must be a URL");
    // A shared folder is a push destination, not an OTLP receiver.
    CHECK(parse("sync:\n  endpoint: file:///srv/team\n").sync.endpoint == "file:///srv/team");
    CHECK(error_of("exporters:\n  otlp:\n    endpoint: file:///srv/team\n") ==
          "c.yaml:3: 'exporters.otlp.endpoint': must be an http:// or https:// URL (an OTLP receiver), got "
          "'file:///srv/team'");
}

TEST_CASE("config types: price table") {
    const auto c = parse("pricing:\n  overrides:\n    m: {input: 2, output: 8, cache_write_1h: 4}\n");
    REQUIRE(c.price_overrides.size() == 1);
    CHECK(c.price_overrides[0].base.cache_write_5m == 2.5);
    CHECK(c.price_overrides[0].base.cache_write_1h == 4);
    CHECK(error_of("pricing:\n  overrides: [m]\n") ==
          "c.yaml:2: 'pricing.overrides' must be a mapping of model id to prices");
    CHECK(error_of("pricing:\n  overrides:\n    m: {input: -3, output: 1}\n") ==
          "c.yaml:3: 'pricing.overrides.m.input' is -3, not a price (0..10000 USD per million tokens)");
    CHECK(error_of("pricing:\n  overrides:\n    m: {input: 1, output: 2, cache: 1}\n") ==
          "c.yaml:3: unknown key 'pricing.overrides.m.cache' (known: cache_read, cache_write_1h, cache_write_5m, "
          "input, output)");
}

TEST_CASE("config types: unknown keys list the table's keys of that place") {
    CHECK(error_of("bogus: 1\n") ==
          "c.yaml:1: unknown key 'bogus' (known: budgets, exporters, machine_name, metrics, pricing, serve, sources, "
          "sync, user, wsl)");
    CHECK(error_of("wsl:\n  drive: /mnt/d\n") == "c.yaml:2: unknown key 'wsl.drive' (known: windows, windows_drive)");
    CHECK(error_of("pricing:\n  override: {}\n") == "c.yaml:2: unknown key 'pricing.override' (known: overrides)");
    CHECK(error_of("sources:\n  cursor:\n    enabld: true\n") ==
          "c.yaml:3: unknown key 'sources.cursor.enabld' (known: enabled, min_interval, paths)");
    CHECK(error_of("sync: 3\n") == "c.yaml:1: 'sync' must be a mapping");
    CHECK(error_of("sources:\n  cursor: 3\n") == "c.yaml:2: 'sources.cursor' must be a mapping");
    CHECK(error_of("sources: [cursor]\n") == "c.yaml:1: 'sources' must be a mapping of source name to settings");
}
