// `usage-agent service install|uninstall|status`: the files and commands of
// the dry run exactly, real installs into a temporary HOME with no
// systemctl/launchctl on PATH (nothing here may reach the machine's own
// service manager), and the units checked by the real tools where present:
// systemd-analyze verify, python3's plistlib.
#include <doctest/doctest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

// A user name no machine lingers for, so the linger note is always printed.
constexpr const char* kUser = "usage-test-nobody";

std::string agent_path() {
    return fs::canonical(USAGE_AGENT_BIN).string();
}

// A home whose PATH holds no service manager: every test here is hermetic.
struct ServiceHome {
    testing::AgentHome home;
    ServiceHome() {
        fs::create_directories(home.dir / "empty-bin");
        home.env["PATH"] = (home.dir / "empty-bin").string();
        home.env["USER"] = kUser;
        home.env.erase("USAGE_AGENT_STATE_DIR");  // the default store: no --state-dir in the unit
    }
    [[nodiscard]] fs::path root() const { return home.dir.path() / "home"; }
    [[nodiscard]] testing::RunResult run(const std::vector<std::string>& args) const { return home.run(args); }
};

std::string unit_text(const std::string& exec_start) {
    return "# usage-agent's background agent as a systemd user service: it reads this user's\n"
           "# AI assistant transcripts and pushes to the team endpoint when one is configured.\n"
           "# Written by `usage-agent service install`; packaging/systemd/usage-agent.service is the\n"
           "# same unit for /usr/bin/usage-agent.\n"
           "[Unit]\n"
           "Description=usage-agent: counts what AI coding assistants cost\n"
           "# After 5 failed starts in 5 minutes the unit stays failed (see `usage-agent service\n"
           "# status`) instead of restarting forever on, say, a broken config.\n"
           "StartLimitIntervalSec=300\n"
           "StartLimitBurst=5\n"
           "\n"
           "[Service]\n"
           "Type=exec\n"
           "ExecStart=" +
           exec_start +
           "\n"
           "# Restart after failures only, 10 s apart (the default, 100 ms, would spin).\n"
           "Restart=on-failure\n"
           "RestartSec=10\n"
           "TimeoutStopSec=30\n"
           "# A background scan must not compete with the user's own work.\n"
           "Nice=10\n"
           "IOSchedulingClass=best-effort\n"
           "IOSchedulingPriority=7\n"
           "# Hardening that still lets it read the home and write its state dir. No Environment=:\n"
           "# the push token comes from sync.token_file (mode 0600) and is never written here.\n"
           "NoNewPrivileges=yes\n"
           "LockPersonality=yes\n"
           "RestrictRealtime=yes\n"
           "RestrictSUIDSGID=yes\n"
           "MemoryDenyWriteExecute=yes\n"
           "SystemCallArchitectures=native\n"
           "UMask=0077\n"
           "\n"
           "[Install]\n"
           "WantedBy=default.target\n";
}

std::string plist_text(const std::string& program, const std::string& log_dir) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
           "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
           "<plist version=\"1.0\">\n"
           "<dict>\n"
           "\t<key>Label</key>\n"
           "\t<string>dev.usage-agent</string>\n"
           "\t<key>ProgramArguments</key>\n"
           "\t<array>\n"
           "\t\t<string>" +
           program +
           "</string>\n"
           "\t\t<string>run</string>\n"
           "\t</array>\n"
           "\t<key>RunAtLoad</key>\n"
           "\t<true/>\n"
           "\t<key>KeepAlive</key>\n"
           "\t<dict>\n"
           "\t\t<key>SuccessfulExit</key>\n"
           "\t\t<false/>\n"
           "\t</dict>\n"
           "\t<key>ThrottleInterval</key>\n"
           "\t<integer>10</integer>\n"
           "\t<key>ExitTimeOut</key>\n"
           "\t<integer>30</integer>\n"
           "\t<key>ProcessType</key>\n"
           "\t<string>Background</string>\n"
           "\t<key>LowPriorityIO</key>\n"
           "\t<true/>\n"
           "\t<key>Umask</key>\n"
           "\t<integer>63</integer>\n"
           "\t<key>StandardOutPath</key>\n"
           "\t<string>" +
           log_dir +
           "/stdout.log</string>\n"
           "\t<key>StandardErrorPath</key>\n"
           "\t<string>" +
           log_dir +
           "/stderr.log</string>\n"
           "</dict>\n"
           "</plist>\n";
}

std::string linger_note() {
    return std::string("note: lingering is off for ") + kUser +
           ": the agent runs only while you are logged in; to keep it running after logout and start it at boot, "
           "run: loginctl enable-linger " +
           kUser + "\n";
}

// A tool of the test machine (systemd-analyze, python3) found on the test's
// own PATH, or nullopt.
std::optional<fs::path> find_tool(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string rest = path == nullptr ? "" : path;
    std::size_t start = 0;
    while (start <= rest.size()) {
        const std::size_t end = std::min(rest.find(':', start), rest.size());
        if (end > start) {
            fs::path p = fs::path(rest.substr(start, end - start)) / name;
            if (::access(p.c_str(), X_OK) == 0) return p;
        }
        start = end + 1;
    }
    return std::nullopt;
}

void skip(const std::string& why) {
    // ctest turns this line into "Skipped" (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
    std::printf("USAGE_TEST_SKIPPED: %s\n", why.c_str());
    std::fflush(stdout);
}

// Runs a tool with the test's environment plus `extra` ("NAME=value"),
// stdout and stderr together.
testing::RunResult run_tool(const fs::path& program, const std::vector<std::string>& args,
                            const std::vector<std::string>& extra = {}) {
    std::vector<std::string> env_strings(extra);
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings{program.string()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    ::posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    ::posix_spawn_file_actions_addclose(&actions, fds[0]);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    testing::RunResult r;
    if (rc != 0) {
        ::close(fds[0]);
        FAIL("cannot start " << program.string());
        return r;
    }
    std::array<char, 4096> buf{};
    for (ssize_t n; (n = ::read(fds[0], buf.data(), buf.size())) > 0;) r.out.append(buf.data(), std::size_t(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

// `systemd-analyze --user verify UNIT` must pass with nothing to say: an
// unknown or misplaced directive is only a warning, exit status 0.
void verify_unit(const fs::path& unit) {
    auto analyze = find_tool("systemd-analyze");
    if (!analyze) return skip("systemd-analyze not on PATH, " + unit.string() + " not verified");
    // --user needs a runtime directory; a private one keeps the real one untouched.
    testing::TempDir runtime;
    ::chmod(runtime.path().c_str(), 0700);
    auto r = run_tool(*analyze, {"--user", "verify", unit.string()}, {"XDG_RUNTIME_DIR=" + runtime.path().string()});
    if (r.out.find("Failed to initialize manager") != std::string::npos)
        r = run_tool(*analyze, {"verify", unit.string()});  // the system manager's checks are the same for these keys
    INFO("systemd-analyze verify " << unit.string() << ": " << r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
}

// The plist as python3's plistlib reads it, as JSON; nullopt when python3 is absent.
std::optional<nlohmann::json> parse_plist(const fs::path& plist) {
    auto python = find_tool("python3");
    if (!python) {
        skip("python3 not on PATH, " + plist.string() + " not parsed");
        return std::nullopt;
    }
    auto r = run_tool(*python,
                      {"-c", "import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], 'rb'))))",
                       plist.string()});
    INFO("plistlib " << plist.string() << ": " << r.out);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
}

nlohmann::json expected_plist(const std::string& program, const std::string& log_dir) {
    return {{"Label", "dev.usage-agent"},
            {"ProgramArguments", {program, "run"}},
            {"RunAtLoad", true},
            {"KeepAlive", {{"SuccessfulExit", false}}},
            {"ThrottleInterval", 10},
            {"ExitTimeOut", 30},
            {"ProcessType", "Background"},
            {"LowPriorityIO", true},
            {"Umask", 63},
            {"StandardOutPath", log_dir + "/stdout.log"},
            {"StandardErrorPath", log_dir + "/stderr.log"}};
}

}  // namespace

TEST_CASE("service install --dry-run prints the systemd unit and the commands and touches nothing") {
    ServiceHome h;
    const auto r = h.run({"service", "install", "--dry-run", "--platform", "systemd"});
    const fs::path unit = h.root() / ".config/systemd/user/usage-agent.service";
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "dry run: nothing is written, removed or run\n"
          "would write " +
              unit.string() + ":\n" + unit_text(agent_path() + " run") +
              "\n"
              "would run: systemctl --user daemon-reload\n"
              "would run: systemctl --user enable --now usage-agent.service\n"
              "note: systemctl is not on PATH: a real run would do the file steps above and print the "
              "commands for you to run\n" +
              linger_note());
    CHECK_FALSE(fs::exists(h.root() / ".config"));
    CHECK_FALSE(fs::exists(h.home.dir / "state"));
}

TEST_CASE("service install --dry-run puts --state-dir and --config in ExecStart and honours XDG_CONFIG_HOME") {
    ServiceHome h;
    h.home.env["XDG_CONFIG_HOME"] = (h.home.dir / "xdg config").string();
    const fs::path config = h.home.dir / "team.yaml";
    testing::write_file(config, "machine_name: box\n");
    const fs::path state = h.home.dir / "my store 100%";
    const auto r = h.run({"--state-dir", state.string(), "--config", config.string(), "service", "install", "--dry-run",
                          "--platform", "systemd"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    // systemd reads % as a specifier and $ as a variable: both doubled, and
    // the space needs quotes.
    const std::string state_word = "\"" + (h.home.dir / "my store 100%%").string() + "\"";
    const fs::path unit = h.home.dir / "xdg config/systemd/user/usage-agent.service";
    CHECK(r.out.find("would write " + unit.string() + ":\n" +
                     unit_text(agent_path() + " run --state-dir " + state_word + " --config " + config.string())) !=
          std::string::npos);

    // USAGE_AGENT_STATE_DIR lives in this shell only, not in the service manager's environment.
    ServiceHome e;
    e.home.env["USAGE_AGENT_STATE_DIR"] = (e.home.dir / "st").string();
    const auto re = e.run({"service", "install", "--dry-run", "--platform", "systemd"});
    CHECK(re.exit_code == 0);
    CHECK(re.out.find("ExecStart=" + agent_path() + " run --state-dir " + (e.home.dir / "st").string() + "\n") !=
          std::string::npos);
}

TEST_CASE("service install with a --config that does not exist fails naming it") {
    ServiceHome h;
    const auto r =
        h.run({"--config", (h.home.dir / "nope.yaml").string(), "service", "install", "--platform", "systemd"});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "usage-agent: " + (h.home.dir / "nope.yaml").string() + ": no such config file\n");
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(h.root() / ".config"));
}

TEST_CASE("service install --dry-run prints the launchd plist and the launchctl command") {
    ServiceHome h;
    const auto r = h.run({"service", "install", "--dry-run", "--platform", "launchd"});
    const fs::path plist = h.root() / "Library/LaunchAgents/dev.usage-agent.plist";
    const fs::path logs = h.root() / "Library/Logs/usage-agent";
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "dry run: nothing is written, removed or run\n"
          "would create directory " +
              logs.string() + "\n" + "would write " + plist.string() + ":\n" + plist_text(agent_path(), logs.string()) +
              "\n"
              "would run: launchctl bootstrap gui/" +
              std::to_string(::getuid()) + " " + plist.string() +
              "\n"
              "note: launchctl is not on PATH: a real run would do the file steps above and print the "
              "commands for you to run\n");
    CHECK_FALSE(fs::exists(h.root() / "Library"));
}

TEST_CASE("service install without systemctl writes the unit and prints the commands, uninstall removes it") {
    ServiceHome h;
    const fs::path unit = h.root() / ".config/systemd/user/usage-agent.service";
    auto r = h.run({"service", "install", "--platform", "systemd"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "wrote " + unit.string() +
                       "\n"
                       "systemctl is not on PATH, so these commands did not run; run them where it is:\n"
                       "  systemctl --user daemon-reload\n"
                       "  systemctl --user enable --now usage-agent.service\n" +
                       linger_note());
    CHECK(testing::read_file(unit) == unit_text(agent_path() + " run"));
    struct stat st {};
    REQUIRE(::stat(unit.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
    CHECK_FALSE(fs::exists(unit.string() + ".tmp"));

    r = h.run({"service", "status", "--platform", "systemd"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "unit file: " + unit.string() +
                       " (installed)\n"
                       "systemctl is not on PATH: cannot tell whether the service runs\n" +
                       linger_note());

    // Installing the same unit again restarts nothing; a changed one must
    // restart a running service, or the old command line stays in use.
    r = h.run({"service", "install", "--platform", "systemd"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("try-restart") == std::string::npos);
    const fs::path state = h.home.dir / "other-state";
    r = h.run({"--state-dir", state.string(), "service", "install", "--platform", "systemd"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("  systemctl --user enable --now usage-agent.service\n"
                     "  systemctl --user try-restart usage-agent.service\n") != std::string::npos);
    CHECK(testing::read_file(unit) == unit_text(agent_path() + " run --state-dir " + state.string()));

    // What `systemctl enable` would have made: uninstall removes it too.
    const fs::path wants = unit.parent_path() / "default.target.wants/usage-agent.service";
    fs::create_directories(wants.parent_path());
    fs::create_symlink("../usage-agent.service", wants);
    r = h.run({"service", "uninstall", "--platform", "systemd"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "removed " + unit.string() + "\nremoved " + wants.string() +
                       "\n"
                       "systemctl is not on PATH, so these commands did not run; run them where it is:\n"
                       "  systemctl --user disable --now usage-agent.service\n"
                       "  systemctl --user daemon-reload\n");
    CHECK_FALSE(fs::exists(unit));
    CHECK_FALSE(fs::is_symlink(fs::symlink_status(wants)));

    r = h.run({"service", "uninstall", "--platform", "systemd"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "not installed: " + unit.string() + " does not exist; nothing to do\n");
    r = h.run({"service", "status", "--platform", "systemd"});
    CHECK(r.out == "unit file: " + unit.string() +
                       " (not installed: `usage-agent service install` writes it)\n"
                       "systemctl is not on PATH: cannot tell whether the service runs\n");
}

TEST_CASE("service install without launchctl writes the plist and the log folder, uninstall removes the plist") {
    ServiceHome h;
    const fs::path plist = h.root() / "Library/LaunchAgents/dev.usage-agent.plist";
    const fs::path logs = h.root() / "Library/Logs/usage-agent";
    const std::string uid = std::to_string(::getuid());
    auto r = h.run({"service", "install", "--platform", "launchd"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "created directory " + logs.string() + "\nwrote " + plist.string() +
                       "\n"
                       "launchctl is not on PATH, so these commands did not run; run them where it is:\n"
                       "  launchctl bootstrap gui/" +
                       uid + " " + plist.string() + "\n");
    CHECK(testing::read_file(plist) == plist_text(agent_path(), logs.string()));
    CHECK(fs::is_directory(logs));
    if (auto parsed = parse_plist(plist)) CHECK(*parsed == expected_plist(agent_path(), logs.string()));

    r = h.run({"service", "uninstall", "--dry-run", "--platform", "launchd"});
    CHECK(r.out ==
          "dry run: nothing is written, removed or run\n"
          "would run: launchctl bootout gui/" +
              uid + "/dev.usage-agent\n" + "would remove " + plist.string() +
              "\n"
              "note: launchctl is not on PATH: a real run would do the file steps above and print the "
              "commands for you to run\n");
    CHECK(fs::exists(plist));
    r = h.run({"service", "uninstall", "--platform", "launchd"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "removed " + plist.string() +
                       "\n"
                       "launchctl is not on PATH, so these commands did not run; run them where it is:\n"
                       "  launchctl bootout gui/" +
                       uid + "/dev.usage-agent\n");
    CHECK_FALSE(fs::exists(plist));
    CHECK(fs::is_directory(logs));  // the logs stay: they are the user's record
}

TEST_CASE("service units pass systemd-analyze verify: the generated one and the packaged one") {
    ServiceHome h;
    const fs::path state = h.home.dir / "state dir 100%";
    REQUIRE(h.run({"--state-dir", state.string(), "service", "install", "--platform", "systemd"}).exit_code == 0);
    verify_unit(h.root() / ".config/systemd/user/usage-agent.service");

    // verify also checks that ExecStart's program exists: the packaged unit
    // is checked with this build's binary in place of /usr/bin/usage-agent.
    std::string packaged = testing::read_file(testing::source_dir() / "packaging/systemd/usage-agent.service");
    const std::string from = "ExecStart=/usr/bin/usage-agent ";
    const auto at = packaged.find(from);
    REQUIRE(at != std::string::npos);
    packaged.replace(at, from.size(), "ExecStart=" + agent_path() + " ");
    const fs::path copy = h.home.dir / "packaged/usage-agent.service";
    testing::write_file(copy, packaged);
    verify_unit(copy);
}

TEST_CASE("service packaged plist parses as a plist with the expected keys") {
    const fs::path plist = testing::source_dir() / "packaging/launchd/dev.usage-agent.plist";
    if (auto parsed = parse_plist(plist))
        CHECK(*parsed == expected_plist("/usr/local/bin/usage-agent", "@HOME@/Library/Logs/usage-agent"));
}

TEST_CASE("service --help explains the command with examples") {
    ServiceHome h;
    const auto r = h.run({"service", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage-agent service install --dry-run") != std::string::npos);
    CHECK(r.out.find("--platform") == std::string::npos);  // hidden: for tests
    const auto missing = h.run({"service"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err ==
          "usage-agent: missing command: one of install, uninstall, status (see 'usage-agent service --help')\n");
}
