// Config: defaults, every key, and errors that name file, line and key.
#include "usage/config/config.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"
#include "usage/sync/folder_url.hpp"

TEST_CASE("config: full document parses") {
    auto c = usage::parse_config(R"(machine_name: laptop
user: alice
sources:
  claude-code:
    enabled: false
    paths: [/mnt/c/Users/alice/.claude]
pricing:
  overrides:
    my-model: {input: 1.5, output: 6}
sync:
  endpoint: https://usage.example.com
  batch_size: 250
  interval: 60
  insecure_skip_verify: true
)",
                                 "config.yaml");
    CHECK(c.machine_name == "laptop");
    CHECK(c.user == "alice");
    CHECK_FALSE(c.source("claude-code").enabled);
    REQUIRE(c.source("claude-code").paths.size() == 1);
    REQUIRE(c.price_overrides.size() == 1);
    CHECK(c.price_overrides[0].model == "my-model");
    CHECK(c.price_overrides[0].base.input == 1.5);
    CHECK(c.price_overrides[0].base.cache_read == 1.5);
    CHECK(c.sync.batch_size == 250);
    CHECK(c.sync.interval_seconds == 60);
    CHECK(c.sync.insecure_skip_verify);
}

TEST_CASE("config: unknown key and wrong type name the file, line and key") {
    CHECK_THROWS_WITH_AS(usage::parse_config("user: bob\nsync:\n  endpont: x\n", "/etc/c.yaml"),
                         doctest::Contains("/etc/c.yaml:3: unknown key 'sync.endpont'"), usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("sync:\n  batch_size: lots\n", "c.yaml"),
                         doctest::Contains("c.yaml:2: 'sync.batch_size' must be an integer"), usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("sources:\n  claude-code:\n    enabled: maybe\n", "c.yaml"),
                         doctest::Contains("c.yaml:3: 'sources.claude-code.enabled' must be true or false"),
                         usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("sources:\n  notatool: {}\n", "c.yaml"),
                         doctest::Contains("c.yaml:2: unknown source 'sources.notatool'"), usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("pricing:\n  overrides:\n    m: {input: 1}\n", "c.yaml"),
                         doctest::Contains("needs at least input and output"), usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("user: [unclosed\n", "c.yaml"), doctest::Contains("c.yaml:"),
                         usage::ConfigError);
}

TEST_CASE("config: a missing file gives defaults, the default text is itself valid") {
    testing::TempDir dir;
    usage::Environment env({{"HOME", dir.path().string()}, {"USER", "carol"}});
    auto c = usage::load_config(dir / "none.yaml", env);
    CHECK_FALSE(c.loaded);
    CHECK(c.user == "carol");
    CHECK_FALSE(c.machine_name.empty());
    CHECK(c.source("claude-code").enabled);
    CHECK_NOTHROW(usage::parse_config(usage::default_config_text(), "default"));
    CHECK(usage::default_config_path(env) == dir.path() / ".config" / "usage-agent" / "config.yaml");
}

TEST_CASE("config: a repeated key is an error naming both lines") {
    CHECK_THROWS_WITH_AS(usage::parse_config("sync:\n  batch_size: 3\n  batch_size: 4\n", "c.yaml"),
                         "c.yaml:3: duplicate key 'sync.batch_size' (first on line 2)", usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("user: a\nmachine_name: m\nuser: b\n", "c.yaml"),
                         "c.yaml:3: duplicate key 'user' (first on line 1)", usage::ConfigError);
    CHECK_THROWS_WITH_AS(
        usage::parse_config("pricing:\n  overrides:\n    m: {input: 1, output: 2}\n    m: {input: 3, output: 4}\n",
                            "c.yaml"),
        "c.yaml:4: duplicate key 'pricing.overrides.m' (first on line 3)", usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("sources:\n  cursor: {enabled: true, enabled: false}\n", "c.yaml"),
                         "c.yaml:2: duplicate key 'sources.cursor.enabled' (first on line 2)", usage::ConfigError);
}

TEST_CASE("config: a top level that is not a mapping, or a key that is not text, is said in words") {
    CHECK_THROWS_WITH_AS(usage::parse_config("- user: a\n- user: b\n", "c.yaml"),
                         "c.yaml:1: the file must be a mapping of settings (`key: value` lines), not a list",
                         usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("just some words\n", "c.yaml"),
                         "c.yaml:1: the file must be a mapping of settings (`key: value` lines), not a single value",
                         usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("user: a\n[x, y]: 1\n", "c.yaml"),
                         "c.yaml:2: a key must be plain text, not a list or mapping", usage::ConfigError);
}

TEST_CASE("config: sync.endpoint must be an http or https URL or a file folder") {
    for (const char* ok : {"https://usage.example.com", "http://127.0.0.1:8787", "HTTPS://usage.example.com/base/",
                           "http://[::1]:8787/", "file:///srv/team-usage", "FILE:///home/a/Dropbox/team%20usage/"}) {
        INFO(ok);
        CHECK(usage::parse_config(std::string("sync:\n  endpoint: '") + ok + "'\n", "c.yaml").sync.endpoint == ok);
    }
    CHECK(usage::parse_config("sync:\n  endpoint: ''\n", "c.yaml").sync.endpoint.empty());  // no push
    for (const char* bad : {"ftp://usage.example.com", "usage.example.com", "https://", "http:///v1", "https://:8787",
                            "https://usage example.com"}) {
        INFO(bad);
        CHECK_THROWS_WITH_AS(
            usage::parse_config(std::string("user: a\nsync:\n  endpoint: '") + bad + "'\n", "c.yaml"),
            ("c.yaml:3: 'sync.endpoint' must be an http:// or https:// URL or a file:/// folder, got '" +
             std::string(bad) + "'")
                .c_str(),
            usage::ConfigError);
    }
    // A folder must be absolute: a relative one would depend on where the agent starts.
    for (const char* bad : {"file://team-usage", "file:team-usage", "file://host/srv/team", "file:/srv/team"}) {
        INFO(bad);
        CHECK_THROWS_WITH_AS(
            usage::parse_config(std::string("user: a\nsync:\n  endpoint: '") + bad + "'\n", "c.yaml"),
            ("c.yaml:3: 'sync.endpoint' must be file:///ABSOLUTE/FOLDER (three slashes: no host, no relative "
             "path), got '" +
             std::string(bad) + "'")
                .c_str(),
            usage::ConfigError);
    }
    CHECK_THROWS_WITH_AS(usage::parse_config("user: a\nsync:\n  endpoint: 'file:///srv/a%2'\n", "c.yaml"),
                         "c.yaml:3: 'sync.endpoint' has a '%' that is not followed by two hex digits, got "
                         "'file:///srv/a%2'",
                         usage::ConfigError);
}

TEST_CASE("folder url: the folder of a file URL, escapes decoded") {
    CHECK(usage::sync::folder_of_url("file:///srv/team%20usage/") == std::filesystem::path("/srv/team usage/"));
    CHECK(usage::sync::folder_of_url("FILE:///a/./b/../c") == std::filesystem::path("/a/c"));
    CHECK(usage::sync::is_folder_url("File:///x"));
    CHECK_FALSE(usage::sync::is_folder_url("https://x"));
}

TEST_CASE("config: a directory given as the config file is an error") {
    testing::TempDir dir;
    usage::Environment env({{"HOME", dir.path().string()}});
    CHECK_THROWS_WITH_AS(usage::load_config(dir.path(), env),
                         (dir.path().string() + ": is a directory; the config is a file (e.g. " +
                          (dir.path() / "config.yaml").string() + ")")
                             .c_str(),
                         usage::ConfigError);
}

TEST_CASE("config: sync.timeout is 1 to 3600 seconds, 120 by default") {
    CHECK(usage::parse_config("sync:\n  endpoint: https://x.example\n", "c.yaml").sync.timeout_seconds == 120);
    CHECK(usage::parse_config("sync:\n  timeout: 5\n", "c.yaml").sync.timeout_seconds == 5);
    CHECK_THROWS_WITH_AS(usage::parse_config("sync:\n  timeout: 0\n", "c.yaml"),
                         "c.yaml:2: 'sync.timeout' must be between 1 and 3600 seconds", usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("sync:\n  timeout: soon\n", "c.yaml"),
                         "c.yaml:2: 'sync.timeout' must be an integer (seconds), got 'soon'", usage::ConfigError);
}
