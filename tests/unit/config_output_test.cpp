// What the key table generates: `config show`, `config init` (which loads
// back to the defaults), `config keys` and the docs' table, and keys a plugin
// declares for its own source.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "test_support.hpp"
#include "usage/config/config.hpp"
#include "usage/scan/source.hpp"

namespace {

/// A source with nothing to scan; `own` are the keys it declares.
class KeyedPlugin : public usage::SourcePlugin {
public:
    KeyedPlugin(std::string name, int min_interval, std::vector<usage::OptionSpec> own)
        : name_(std::move(name)), min_interval_(min_interval), own_(std::move(own)) {}
    std::string_view name() const override { return name_; }
    std::string_view description() const override { return "test source"; }
    std::vector<std::filesystem::path> roots(const usage::DiscoveryContext&) const override { return {}; }
    std::vector<usage::SourceFile> discover(const std::vector<std::filesystem::path>&) const override { return {}; }
    usage::ScanResult scan(const usage::SourceFile&, const usage::ScanStart&) const override { return {}; }
    int default_min_interval_seconds() const override { return min_interval_; }
    std::vector<usage::OptionSpec> config_options() const override { return own_; }

private:
    std::string name_;
    int min_interval_;
    std::vector<usage::OptionSpec> own_;
};

usage::OptionSpec poll_key() {
    usage::OptionSpec s;
    s.key = "poll";
    s.type = usage::OptionType::duration;
    s.default_value = std::int64_t{5};
    s.help = "Seconds between two looks at the database";
    s.min = 1;
    s.max = 60;
    return s;
}

struct TwoSources {
    KeyedPlugin plain{"plain", 0, {}};
    KeyedPlugin keyed{"keyed", 10, {poll_key()}};
    usage::ConfigMap map{{&plain, &keyed}};
};

/// Uncomments every `# key: value` line of an init file (and its section
/// lines); the prose lines stay comments.
std::string uncommented(const std::string& text) {
    std::istringstream in(text);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        std::string rest = line.starts_with("# ") ? line.substr(2) : "";
        const auto word = rest.find_first_not_of(' ');
        const auto colon = rest.find(':');
        const bool key_line = word != std::string::npos && colon != std::string::npos && colon > word &&
                              rest.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-", word) == colon;
        out += (key_line ? rest : line) + "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("config output: show prints every key's effective value, the plugin's defaults included") {
    TwoSources t;
    const auto c = usage::parse_config(
        "machine_name: box\nuser: ann\npricing:\n  overrides:\n    m: {input: 1, output: 2}\n"
        "sources:\n  keyed:\n    poll: 7\n    paths: [/x]\n",
        "c.yaml", t.map);
    CHECK(usage::render_config(c, t.map) ==
          "machine_name: box\nuser: ann\npricing:\n  overrides:\n    m:\n      input: 1\n      output: 2\n"
          "      cache_read: 1\n      cache_write_5m: 1.25\n"
          "budgets: []\n"
          "sync:\n  endpoint: \"\"\n  token_file: \"\"\n  batch_size: 500\n  interval: 300\n  max_attempts: 6\n"
          "  timeout: 120\n  ca_file: \"\"\n  insecure_skip_verify: false\n"
          "exporters:\n  otlp:\n    endpoint: \"\"\n    headers: []\n    batch_size: 500\n"
          "serve:\n  store: \"\"\n"
          "metrics:\n  listen: \"\"\n"
          "wsl:\n  windows: auto\n  windows_drive: /mnt/c\n"
          "sources:\n  plain:\n    enabled: true\n    paths: []\n    min_interval: 0\n"
          "  keyed:\n    enabled: true\n    paths: [/x]\n    min_interval: 10\n    poll: 7\n");
}

TEST_CASE("config output: init lists every key at its default with its help, and loads back to the defaults") {
    TwoSources t;
    const std::string init = usage::default_config_text(t.map);
    const auto sources = init.find("#\n# sources:\n");
    REQUIRE(sources != std::string::npos);
    CHECK(init.substr(sources) ==
          "#\n# sources:\n#   plain:\n"
          "#     enabled: true                     # Scan this source\n"
          "#     paths: []                         # Extra roots to scan besides the tool's own folders\n"
          "#     min_interval: 0                   # run: seconds at least between two scans of a source that keeps "
          "changing\n"
          "#   keyed:\n#     enabled: true\n#     paths: []\n#     min_interval: 10\n"
          "#     poll: 5                           # Seconds between two looks at the database\n");
    CHECK(init.find("\n#   batch_size: 500                     # Events per pushed batch (also at most ~4 MB of "
                    "JSON)\n") != std::string::npos);
    CHECK(init.find("\n# machine_name: \"\"                      # This machine's name in reports (report machines); "
                    "empty: the host name\n") != std::string::npos);

    // As written every line is a comment; with every key uncommented the file
    // sets each key to its default, which must load to the same settings.
    testing::TempDir dir;
    const usage::Environment env({{"HOME", dir.path().string()}, {"USER", "ann"}});
    const auto defaults = usage::load_config(dir / "none.yaml", env, t.map);
    const auto as_written = usage::parse_config(init, "init.yaml", t.map);
    CHECK(as_written.sources.empty());
    testing::write_file(dir / "all.yaml", uncommented(init));
    REQUIRE(uncommented(init).find("\nsync:\n  endpoint: \"\"") != std::string::npos);
    const auto all = usage::load_config(dir / "all.yaml", env, t.map);
    CHECK(all.sources.size() == 2);
    CHECK(usage::render_config(all, t.map) == usage::render_config(defaults, t.map));
}

TEST_CASE("config output: the standard init file loads back to the defaults") {
    testing::TempDir dir;
    const usage::Environment env({{"HOME", dir.path().string()}, {"USER", "ann"}});
    testing::write_file(dir / "all.yaml", uncommented(usage::default_config_text()));
    CHECK(usage::render_config(usage::load_config(dir / "all.yaml", env)) ==
          usage::render_config(usage::load_config(dir / "none.yaml", env)));
}

// Found by fuzz/fuzz_config: yaml-cpp wrote a carriage return unquoted, and
// reading the shown text back took it for a line break and lost it.
TEST_CASE("config output: show quotes text with a control character, so it loads back unchanged") {
    TwoSources t;
    const auto c = usage::parse_config(
        "machine_name: \"box\\r\"\npricing:\n  overrides:\n    \"m\\r\": {input: 1, output: 2}\n"
        "sources:\n  keyed:\n    paths: [\"/a\\r\"]\n",
        "c.yaml", t.map);
    REQUIRE(c.machine_name == "box\r");
    const std::string shown = usage::render_config(c, t.map);
    CHECK(shown.find("machine_name: \"box\\r\"\n") != std::string::npos);
    CHECK(shown.find("\n    \"m\\r\":\n      input: 1\n") != std::string::npos);
    CHECK(shown.find("\n    paths: [\"/a\\r\"]\n") != std::string::npos);
    const auto back = usage::parse_config(shown, "shown.yaml", t.map);
    CHECK(back.machine_name == "box\r");
    REQUIRE(back.price_overrides.size() == 1);
    CHECK(back.price_overrides[0].model == "m\r");
    CHECK(back.source("keyed").paths == std::vector<std::filesystem::path>{"/a\r"});
    CHECK(usage::render_config(back, t.map) == shown);
}

TEST_CASE("config output: a plugin's own key is read, checked, listed and handed to its roots") {
    TwoSources t;
    const auto c = usage::parse_config("sources:\n  keyed:\n    poll: 9\n", "c.yaml", t.map);
    CHECK(std::get<std::int64_t>(c.source("keyed").options.at("poll")) == 9);
    CHECK(std::get<std::int64_t>(usage::plugin_option_values(t.keyed, {}).at("poll")) == 5);
    CHECK(std::get<std::int64_t>(usage::plugin_option_values(t.keyed, c.source("keyed")).at("poll")) == 9);
    CHECK_THROWS_WITH_AS(usage::parse_config("sources:\n  keyed:\n    poll: 61\n", "c.yaml", t.map),
                         "c.yaml:3: 'sources.keyed.poll' must be between 1 and 60 seconds", usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("sources:\n  plain:\n    poll: 1\n", "c.yaml", t.map),
                         "c.yaml:3: unknown key 'sources.plain.poll' (known: enabled, min_interval, paths)",
                         usage::ConfigError);
    CHECK_THROWS_WITH_AS(usage::parse_config("sources:\n  other: {}\n", "c.yaml", t.map),
                         "c.yaml:2: unknown source 'sources.other' (known: plain, keyed)", usage::ConfigError);

    const std::string keys = usage::config_keys_markdown(t.map);
    CHECK(keys.find("| `sources.<name>.min_interval` | seconds 0..86400 | `10` for keyed; `0` for the others | ") !=
          std::string::npos);
    CHECK(
        keys.ends_with("| `sources.keyed.poll` | seconds 1..60 | `5` | Seconds between two looks at the database |\n"));
    CHECK(usage::config_keys_text(t.map).ends_with(
        "sources.keyed.poll (seconds 1..60; default: 5)\n    Seconds between two looks at the database\n"));

    // A plugin may not redefine a common key...
    usage::OptionSpec clash = poll_key();
    clash.key = "enabled";
    KeyedPlugin bad("bad", 0, {clash});
    CHECK_THROWS_AS(usage::ConfigMap({&bad}), std::logic_error);
    // ...nor give a default of another type than the key's.
    usage::OptionSpec mistyped = poll_key();
    mistyped.default_value = "5";
    KeyedPlugin wrong("wrong", 0, {mistyped});
    CHECK_THROWS_AS(usage::ConfigMap({&wrong}), std::logic_error);
}

TEST_CASE("config output: docs/cli.md holds the generated key table") {
    std::ifstream in(std::string(USAGE_SOURCE_DIR) + "/docs/cli.md");
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    const std::string begin =
        "<!-- config keys: generated by `usage-agent config keys --markdown`; do not edit by hand -->\n";
    const std::string end = "<!-- end of config keys -->";
    const auto from = doc.find(begin);
    const auto to = doc.find(end);
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    // On a difference: `usage-agent config keys --markdown` prints the table to paste.
    CHECK(doc.substr(from + begin.size(), to - from - begin.size()) == usage::config_keys_markdown());
}
