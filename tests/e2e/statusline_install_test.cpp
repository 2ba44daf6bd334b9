// `usage-agent statusline install`, the real binary on a temporary HOME:
// Claude Code's settings.json gains the statusLine and keeps everything else,
// --dry-run writes nothing, another statusLine needs --force.
#include <doctest/doctest.h>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;

std::string agent_command() {
    return fs::canonical(USAGE_AGENT_BIN).string() + " statusline";
}

std::string status_line_json() {
    return R"({"type":"command","command":")" + agent_command() + R"(","padding":0})";
}

// The user's own settings, in their order, with a nested object and an array.
const std::string kSettings = R"json({
  "model": "opus",
  "env": {"ANTHROPIC_LOG": "debug"},
  "permissions": {"allow": ["Bash(git status)", "Read"], "deny": []},
  "includeCoAuthoredBy": false
}
)json";

const std::string kInstalled = R"json({
  "model": "opus",
  "env": {
    "ANTHROPIC_LOG": "debug"
  },
  "permissions": {
    "allow": [
      "Bash(git status)",
      "Read"
    ],
    "deny": []
  },
  "includeCoAuthoredBy": false,
  "statusLine": {
    "type": "command",
    "command": "COMMAND",
    "padding": 0
  }
}
)json";

std::string installed() {
    std::string out = kInstalled;
    out.replace(out.find("COMMAND"), 7, agent_command());
    return out;
}

}  // namespace

TEST_CASE("statusline install: adds the statusLine to Claude Code's settings and keeps every other key") {
    testing::AgentHome h;
    const fs::path settings = h.dir / "home" / ".claude" / "settings.json";
    testing::write_file(settings, kSettings);
    fs::permissions(settings, fs::perms::owner_read | fs::perms::owner_write);

    const auto dry = h.run({"statusline", "install", "--dry-run"});
    CHECK(dry.exit_code == 0);
    CHECK(dry.out == settings.string() + ": would add statusLine (--dry-run: nothing written)\n+ \"statusLine\": " +
                         status_line_json() + "\n");
    CHECK(testing::read_file(settings) == kSettings);

    const auto r = h.run({"statusline", "install"});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with(settings.string() + ": added statusLine; every other setting kept\n+ \"statusLine\": " +
                            status_line_json() + "\n"));
    CHECK(testing::read_file(settings) == installed());
    CHECK(fs::status(settings).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(settings.parent_path())) ++files;
    CHECK(files == 1);  // no temporary file left beside it

    const auto again = h.run({"statusline", "install"});
    CHECK(again.exit_code == 0);
    CHECK(again.out == settings.string() + ": statusLine already runs usage-agent statusline; nothing to do\n");
    CHECK(testing::read_file(settings) == installed());
}

TEST_CASE(
    "statusline install: another statusLine is kept unless --force, and $CLAUDE_CONFIG_DIR is where settings are") {
    testing::AgentHome h;
    h.env["CLAUDE_CONFIG_DIR"] = (h.dir / "claude-config").string();
    const fs::path settings = h.dir / "claude-config" / "settings.json";
    const std::string theirs = "{\"statusLine\": {\"type\": \"command\", \"command\": \"~/.claude/statusline.sh\"}}\n";
    testing::write_file(settings, theirs);

    const auto refused = h.run({"statusline", "install"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err == "usage-agent: " + settings.string() +
                             ": another statusLine is set ({\"type\":\"command\",\"command\":\"~/.claude/"
                             "statusline.sh\"}); --force replaces it\n");
    CHECK(testing::read_file(settings) == theirs);

    const auto dry = h.run({"statusline", "install", "--force", "--dry-run"});
    CHECK(dry.exit_code == 0);
    CHECK(dry.out == settings.string() +
                         ": would replace statusLine (--dry-run: nothing written)\n- \"statusLine\": "
                         "{\"type\":\"command\",\"command\":\"~/.claude/statusline.sh\"}\n+ \"statusLine\": " +
                         status_line_json() + "\n");
    CHECK(testing::read_file(settings) == theirs);

    CHECK(h.run({"statusline", "install", "--force"}).exit_code == 0);
    CHECK(testing::read_file(settings) ==
          "{\n  \"statusLine\": " + std::string("{\n    \"type\": \"command\",\n    \"command\": \"") +
              agent_command() + "\",\n    \"padding\": 0\n  }\n}\n");
    CHECK_FALSE(fs::exists(h.dir / "home" / ".claude"));
}

TEST_CASE(
    "statusline install: no settings file yet gets one, a --state-dir goes into the command, a broken one is left "
    "alone") {
    testing::AgentHome h;
    const fs::path settings = h.dir / "home" / ".claude" / "settings.json";
    const auto r = h.run({"--state-dir", (h.dir / "my state").string(), "statusline", "install"});
    CHECK(r.exit_code == 0);
    CHECK(testing::read_file(settings) == "{\n  \"statusLine\": {\n    \"type\": \"command\",\n    \"command\": \"" +
                                              fs::canonical(USAGE_AGENT_BIN).string() + " --state-dir '" +
                                              (h.dir / "my state").string() +
                                              "' statusline\",\n    \"padding\": 0\n  }\n}\n");

    testing::write_file(settings, "{\"model\": \"opus\",");  // truncated
    const auto broken = h.run({"statusline", "install", "--force"});
    CHECK(broken.exit_code == 1);
    CHECK(broken.err ==
          "usage-agent: " + settings.string() + ": not a JSON object; fix or move it, then install again\n");
    CHECK(testing::read_file(settings) == "{\"model\": \"opus\",");
}
