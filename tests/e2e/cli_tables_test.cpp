// How tables look, end to end through the real binary: names from transcripts
// can never drive the terminal (escaped, cut between characters, aligned by
// display width), numbers share one format, and the table says what it left
// out. JSON and CSV keep the raw bytes.
#include <date/tz.h>
#include <doctest/doctest.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"

using claude_test::Assistant;

namespace {

// One Claude call per project, input tokens descending so the order by cost
// is the order written here; each project is also its session.
struct Project {
    std::string cwd_name;
    std::int64_t input;
};

struct HostileHome : testing::AgentHome {
    explicit HostileHome(const std::vector<Project>& projects) {
        auto root = dir / "claude";
        env["CLAUDE_CONFIG_DIR"] = root.string();
        std::string lines;
        int n = 0;
        for (const auto& p : projects) {
            ++n;
            lines += Assistant("msg_" + std::to_string(n), "req_" + std::to_string(n), p.input, 0, 0, 0)
                         .session("s-" + std::to_string(n))
                         .cwd("/w/" + p.cwd_name)
                         .at("2026-01-1" + std::to_string(n % 10) + "T10:00:00.000Z")
                         .line();
        }
        // JSON text cannot hold invalid UTF-8: "<ff>" in a name stands for the raw byte.
        std::string raw;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines.compare(i, 4, "<ff>") == 0) {
                raw += '\xff';
                i += 3;
            } else {
                raw += lines[i];
            }
        }
        testing::write_file(root / "projects" / "-w" / "t.jsonl", raw);
    }
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Expected lines as the output they make (doctest prints strings on failure).
std::string text_of(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

const std::string kE = "\xe2\x80\xa6";  // the ellipsis of a cut

// Whether this machine hands out pseudo-terminals: a chroot or container
// without /dev/pts does not. Prints the skip marker when it does not.
bool pty_or_skip() {
    int master = -1, slave = -1;
    if (::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0) {
        ::close(master);
        ::close(slave);
        return true;
    }
    testing::skip_unless_required(nullptr, std::string("no pseudo-terminal here (openpty: ") + std::strerror(errno) +
                                               "; mount devpts on /dev/pts)");
    return false;
}

// Run the binary with stdout and stderr on a pseudo-terminal (no CR added).
testing::RunResult run_on_tty(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    testing::AgentExec exec(args, env);

    termios raw{};
    cfmakeraw(&raw);
    winsize size{24, 80, 0, 0};
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, &raw, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::execve(exec.path(), exec.argv(), exec.envp());
        ::_exit(127);
    }
    testing::RunResult r;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO once the child has exited and closed its side
        r.out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return r;
}

}  // namespace

TEST_CASE("tables: hostile project names are escaped, cut between characters and aligned by width") {
    HostileHome h({{"\x1b[31mred\x1b[0m", 9000},
                   {"\x1b]0;pwned\x07", 8000},
                   {"new\nline", 7000},
                   {"tab\there", 6000},
                   {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x97\xe3\x83\xad\xe3\x82\xb8\xe3\x82\xa7"
                    "\xe3\x82\xaf\xe3\x83\x88\xe5\x90\x8d\xe3\x81\xa7\xe3\x81\x99",
                    5000},  // 日本語のプロジェクト名です: 13 wide characters
                   {"projet-tr\xc3\xa8s-\xc3\xa9l\xc3\xa9gant-\xc3\xa9t\xc3\xa9", 4000},  // projet-très-élégant-été
                   {"\xe6\x97\xa5\xe6\x9c\xac", 3000},                                    // 日本
                   {"bad<ff><ff>-utf8", 2000}});
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto r = h.run({"report", "projects", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    const std::vector<std::string> expected = {
        "all time (UTC)",
        "PROJECT              EVENTS   INPUT  OUTPUT CACHE-R CACHE-W   TOTAL         COST",
        "\\e[31mred\\e[0m            1   9,000       0       0       0   9,000        $0.03",
        "\\e]0;pwned\\x07            1   8,000       0       0       0   8,000        $0.02",
        "new\\nline                 1   7,000       0       0       0   7,000        $0.02",
        "tab\\there                 1   6,000       0       0       0   6,000        $0.02",
        // 9 wide characters (18 columns) and the ellipsis, then one space of padding.
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x97\xe3\x83\xad\xe3\x82\xb8\xe3\x82\xa7\xe3\x82\xaf" +
            kE + "       1   5,000       0       0       0   5,000        $0.02",
        "projet-tr\xc3\xa8s-\xc3\xa9l\xc3\xa9gant" + kE +
            "      1   4,000       0       0       0   4,000        $0.01",
        "\xe6\x97\xa5\xe6\x9c\xac                      1   3,000       0       0       0   3,000        $0.01",
        // Claude Code repairs invalid UTF-8 when it reads a line ('?' per byte; the
        // table's own \xNN escape is covered by the unit test).
        "bad?"
        "?-utf8                1   2,000       0       0       0   2,000        $0.01",
        "TOTAL                     8   44.0K       0       0       0   44.0K        $0.13",
    };
    CHECK(r.out == text_of(expected));
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find('\x07') == std::string::npos);

    // JSON keeps the names as stored.
    auto projects = h.report("projects");
    CHECK(projects["rows"][0]["key"] == "\x1b[31mred\x1b[0m");
    CHECK(projects["rows"][2]["key"] == "new\nline");
}

TEST_CASE("tables: session rows escape project, machine and session id and show the time in the zone") {
    std::string long_name;  // プロジェクト x 8: 48 wide characters, 96 columns
    for (int i = 0; i < 8; ++i) long_name += "\xe3\x83\x97\xe3\x83\xad\xe3\x82\xb8\xe3\x82\xa7\xe3\x82\xaf\xe3\x83\x88";
    HostileHome h({{"\x1b]0;pwned\x07", 1000}, {long_name, 500}});
    testing::write_file(h.dir / "c.yaml", "machine_name: \"box\\e[2J\"\nuser: \"ali\\tce\"\n");
    const std::string config = (h.dir / "c.yaml").string();
    REQUIRE(h.run({"--config", config, "sync", "--once"}).exit_code == 0);
    auto r = h.run({"--config", config, "report", "sessions", "--no-scan", "--tz", "Asia/Tokyo"});
    REQUIRE(r.exit_code == 0);
    const std::vector<std::string> expected = {
        "all time (Asia/Tokyo)",
        "SESSION              EVENTS   INPUT  OUTPUT CACHE-R CACHE-W   TOTAL         COST",
        "s-2                       1     500       0       0       0     500       ~$0.00",
        // The project gets what the rest leaves of 80 columns: 16 wide characters and the ellipsis.
        "  claude-code cli " + long_name.substr(0, 16 * 3) + kE + " @box\\e[2J  2026-01-12 19:00",
        "s-1                       1   1,000       0       0       0   1,000       ~$0.00",
        "  claude-code cli \\e]0;pwned\\x07 @box\\e[2J  2026-01-11 19:00",
        "TOTAL                     2   1,500       0       0       0   1,500        $0.00",
    };
    CHECK(r.out == text_of(expected));

    auto users = h.run({"--config", config, "report", "users", "--no-scan"});
    REQUIRE(users.exit_code == 0);
    CHECK(lines_of(users.out).at(1).rfind("USER ", 0) == 0);
    CHECK(lines_of(users.out).at(2).rfind("ali\\tce                   2   1,500", 0) == 0);
    auto machines = h.run({"--config", config, "report", "machines", "--no-scan"});
    CHECK(lines_of(machines.out).at(2).rfind("box\\e[2J                  2   1,500", 0) == 0);

    auto status = h.run({"--config", config, "status"});
    REQUIRE(status.exit_code == 0);
    CHECK(lines_of(status.out).at(1).rfind("machine:   box\\e[2J (", 0) == 0);
    CHECK(lines_of(status.out).at(2) == "user:      ali\\tce");
    CHECK(status.out.find('\x1b') == std::string::npos);
}

TEST_CASE("tables: every view names its key column") {
    HostileHome h({{"p", 1000}});
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    const std::vector<std::pair<std::string, std::string>> views = {
        {"summary", "SOURCE"},   {"sources", "SOURCE"}, {"models", "MODEL"},     {"projects", "PROJECT"},
        {"machines", "MACHINE"}, {"users", "USER"},     {"sessions", "SESSION"}, {"hourly", "HOUR"},
        {"daily", "DAY"},        {"weekly", "WEEK"},    {"monthly", "MONTH"}};
    for (const auto& [view, title] : views) {
        auto r = h.run({"report", view, "--no-scan"});
        REQUIRE(r.exit_code == 0);
        std::string header;
        for (const auto& line : lines_of(r.out))
            if (line.find(" EVENTS ") != std::string::npos) header = line;
        INFO(view);
        CHECK(header.substr(0, header.find(' ')) == title);
    }
}

TEST_CASE("tables: numbers carry thousands separators in tables, the summary and costs") {
    // 1,002 calls; a price override at the cap (10,000 USD per million tokens:
    // one cent a token) for input and output, nothing for cache reads:
    // 428,400 + 6 tokens cost exactly $4,284.06.
    testing::AgentHome h;
    auto root = h.dir / "claude";
    h.env["CLAUDE_CONFIG_DIR"] = root.string();
    std::string lines;
    for (int i = 0; i < 1002; ++i)
        lines += Assistant("msg_" + std::to_string(i), "req_" + std::to_string(i), i == 0 ? 428400 : 0, 0,
                           i == 0 ? 0 : 1, i == 0 ? 6 : 0)
                     .model("acme-coder")
                     .session("s")
                     .cwd("/w/p")
                     .line();
    testing::write_file(root / "projects" / "-w-p" / "s.jsonl", lines);
    testing::write_file(h.dir / "c.yaml",
                        "pricing:\n  overrides:\n    acme-coder: {input: 10000, output: 10000, cache_read: 0}\n");
    const std::string config = (h.dir / "c.yaml").string();
    REQUIRE(h.run({"--config", config, "sync", "--once"}).exit_code == 0);

    auto table = h.run({"--config", config, "report", "models", "--no-scan"});
    REQUIRE(table.exit_code == 0);
    CHECK(lines_of(table.out).at(2) ==
          "acme-coder            1,002  428.4K       6   1,001       0  429.4K    $4,284.06");
    CHECK(lines_of(table.out).at(3) ==
          "TOTAL                 1,002  428.4K       6   1,001       0  429.4K    $4,284.06");

    auto summary = h.run({"--config", config, "report", "--no-scan"});
    REQUIRE(summary.exit_code == 0);
    const auto s = lines_of(summary.out);
    CHECK(s.at(1) == "  events                1,002");
    CHECK(s.at(7) == "  total tokens          429,407");
    CHECK(s.at(8) == "  cost                  $4,284.06");

    auto status = h.run({"--config", config, "status"});
    CHECK(lines_of(status.out).at(3) == "events:    1,002 (claude-code 1,002)");
}

TEST_CASE("tables: --limit says how many rows the TOTAL covers beyond those shown") {
    HostileHome h({{"p1", 5000}, {"p2", 4000}, {"p3", 3000}, {"p4", 2000}});
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto r = h.run({"report", "projects", "--no-scan", "--limit", "1"});
    REQUIRE(r.exit_code == 0);
    const std::vector<std::string> expected = {
        "all time (UTC)",
        "PROJECT              EVENTS   INPUT  OUTPUT CACHE-R CACHE-W   TOTAL         COST",
        "p1                        1   5,000       0       0       0   5,000        $0.02",
        kE + " 3 more rows not shown (--limit 1)",
        "TOTAL                     4   14.0K       0       0       0   14.0K        $0.04",
    };
    CHECK(r.out == text_of(expected));
    CHECK(lines_of(h.run({"report", "projects", "--no-scan", "--limit", "3"}).out).at(5) ==
          kE + " 1 more row not shown (--limit 3)");
    // A limit that covers every row says nothing; JSON keeps its shape.
    CHECK(h.run({"report", "projects", "--no-scan", "--limit", "4"}).out.find("not shown") == std::string::npos);
    auto json = h.report("projects", {"--limit", "1"});
    CHECK(json["rows"].size() == 1);
    CHECK(json["totals"]["events"] == 4);
    CHECK(json.size() == 3);
}

TEST_CASE("tables: the range header shows the dates as given, in the zone") {
    HostileHome h({{"p", 1000}});
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto custom = h.run(
        {"report", "daily", "--no-scan", "--since", "2026-01-11", "--until", "2026-01-12", "--tz", "Europe/Berlin"});
    CHECK(lines_of(custom.out).at(0) == "2026-01-11 .. 2026-01-12 (Europe/Berlin)");
    auto open_end = h.run({"report", "daily", "--no-scan", "--since", "2026-01-11"});
    CHECK(lines_of(open_end.out).at(0) == "2026-01-11 .. now (UTC)");
    auto open_start = h.run({"report", "daily", "--no-scan", "--until", "2026-01-12"});
    CHECK(lines_of(open_start.out).at(0) == "the beginning .. 2026-01-12 (UTC)");

    // 7d starts at local midnight six days ago in the zone asked for.
    const auto local_day = [](int days_back) {
        const auto* zone = date::locate_zone("Pacific/Auckland");
        const auto today = date::floor<date::days>(zone->to_local(std::chrono::system_clock::now()));
        return date::format("%F", today - date::days{days_back});
    };
    const std::string before = local_day(6);
    auto week = h.run({"report", "daily", "--no-scan", "--range", "7d", "--tz", "Pacific/Auckland"});
    const std::string header = lines_of(week.out).at(0);
    const std::string after = local_day(6);
    CHECK((header == "7d: " + before + " .. now (Pacific/Auckland)" ||
           header == "7d: " + after + " .. now (Pacific/Auckland)"));
}

TEST_CASE("tables: model ids cut to fit stay distinguishable") {
    testing::AgentHome h;
    auto root = h.dir / "claude";
    h.env["CLAUDE_CONFIG_DIR"] = root.string();
    testing::write_file(
        root / "projects" / "-w-p" / "s.jsonl",
        Assistant("msg_1", "", 300, 0, 0, 0).model("converse/jp.anthropic.claude-haiku-4-5-20251001-v1:0").line() +
            Assistant("msg_2", "", 200, 0, 0, 0).model("converse/us.anthropic.claude-haiku-4-5-20251001-v1:0").line() +
            Assistant("msg_3", "", 10, 0, 0, 0).model("claude-sonnet-4-5-20250929").line());
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto r = h.run({"report", "models", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    const auto l = lines_of(r.out);
    // The default split (9 + ... + 10) leaves the first two alike ("converse/...1001-v1:0");
    // the next one that tells them apart is used for the whole table.
    CHECK(l.at(2).rfind("converse/j" + kE + "1001-v1:0 ", 0) == 0);
    CHECK(l.at(3).rfind("converse/u" + kE + "1001-v1:0 ", 0) == 0);
    CHECK(l.at(4).rfind("claude-son" + kE + "-20250929 ", 0) == 0);

    // `prices` gives model ids up to 40 columns, cut the same way beyond.
    auto prices = h.run({"prices"});
    REQUIRE(prices.exit_code == 0);
    const auto p = lines_of(prices.out);
    CHECK(p.at(0) == "MODEL" + std::string(37, ' ') + "EVENTS  PRICE FROM");
    CHECK(p.at(1) == "converse/jp.anthrop" + kE +
                         "ku-4-5-20251001-v1:0       1  jp.anthropic.claude-haiku-4-5-20251001-v1:0 (built-in table)");
    CHECK(p.at(3) ==
          "claude-sonnet-4-5-20250929" + std::string(21, ' ') + "1  claude-sonnet-4-5-20250929 (built-in table)");
}

TEST_CASE("tables: serve token list escapes the user and says revoked") {
    testing::AgentHome h;
    auto add = h.run({"serve", "token", "add", "--user", "\x1b[2Jevil\nname", "--role", "member"});
    REQUIRE(add.exit_code == 0);
    CHECK(add.err == "token 1 for \\e[2Jevil\\nname (member); it is not stored and will not be shown again\n");
    REQUIRE(h.run({"serve", "token", "add", "--user", "bob", "--role", "admin"}).exit_code == 0);
    REQUIRE(h.run({"serve", "token", "revoke", "2"}).exit_code == 0);
    const auto tokens = nlohmann::json::parse(h.run({"serve", "token", "list", "--json"}).out);
    REQUIRE(tokens.size() == 2);
    const auto minute = [](const nlohmann::json& iso) { return iso.get<std::string>().substr(0, 16) + "Z"; };
    auto list = h.run({"serve", "token", "list"});
    REQUIRE(list.exit_code == 0);
    const std::vector<std::string> expected = {
        "ID   PREFIX       USER             ROLE     CREATED            STATUS",
        "1    " + tokens[0]["prefix"].get<std::string>() + "... \\e[2Jevil\\nname  member   " +
            minute(tokens[0]["created"]) + "  active",
        "2    " + tokens[1]["prefix"].get<std::string>() + "... bob              admin    " +
            minute(tokens[1]["created"]) + "  revoked " + minute(tokens[1]["revoked"]),
    };
    CHECK(list.out == text_of(expected));
    CHECK(tokens[0]["user"] == "\x1b[2Jevil\nname");
}

TEST_CASE("tables: CSV quotes commas, quotes and line breaks in keys and keeps other bytes") {
    HostileHome h({{"a,b", 4000}, {"say \"hi\"", 3000}, {"two\nlines", 2000}, {"\x1b[31mraw", 1000}});
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    auto r = h.run({"report", "projects", "--csv", "--no-scan"});
    REQUIRE(r.exit_code == 0);
    const std::string expected =
        "key,events,sessions,input_tokens,output_tokens,reasoning_tokens,cache_read_tokens,cache_write_tokens,"
        "total_tokens,cost_usd,reported_cost_usd,estimated_cost_usd,unpriced_events,failed_requests\n"
        "\"a,b\",1,1,4000,0,0,0,0,4000,0.012,0.0,0.012,0,0\n"
        "\"say \"\"hi\"\"\",1,1,3000,0,0,0,0,3000,0.009,0.0,0.009,0,0\n"
        "\"two\nlines\",1,1,2000,0,0,0,0,2000,0.006,0.0,0.006,0,0\n"
        "\x1b[31mraw,1,1,1000,0,0,0,0,1000,0.003,0.0,0.003,0,0\n"
        "TOTAL,4,4,10000,0,0,0,0,10000,0.03,0.0,0.03,0,0\n";
    CHECK(r.out == expected);
}

TEST_CASE("tables: colour only on a terminal, never with NO_COLOR") {
    if (!pty_or_skip()) return;
    HostileHome h({{"p", 1000}});
    REQUIRE(h.run({"sync", "--once"}).exit_code == 0);
    const std::string bold_header =
        "\x1b[1mDAY                  EVENTS   INPUT  OUTPUT CACHE-R CACHE-W   TOTAL         COST\x1b[0m\n";

    auto tty = run_on_tty({"report", "daily", "--no-scan"}, h.env);
    REQUIRE(tty.exit_code == 0);
    CHECK(tty.out.rfind("\x1b[2mall time (UTC)\x1b[0m\n" + bold_header, 0) == 0);

    auto empty_no_color = h.env;
    empty_no_color["NO_COLOR"] = "";  // set but empty: colour stays on
    CHECK(run_on_tty({"report", "daily", "--no-scan"}, empty_no_color).out.find(bold_header) != std::string::npos);

    auto no_color = h.env;
    no_color["NO_COLOR"] = "1";
    auto plain = run_on_tty({"report", "daily", "--no-scan"}, no_color);
    REQUIRE(plain.exit_code == 0);
    CHECK(plain.out.find('\x1b') == std::string::npos);
    CHECK(lines_of(plain.out).at(1) ==
          "DAY                  EVENTS   INPUT  OUTPUT CACHE-R CACHE-W   TOTAL         COST");

    // Not a terminal (a pipe): no colour whatever NO_COLOR says.
    CHECK(h.run({"report", "daily", "--no-scan"}).out.find('\x1b') == std::string::npos);
}

TEST_CASE("tables: an empty home says where each source looked and how to add a folder") {
    testing::AgentHome h;
    testing::write_file(h.dir / "home" / ".config" / "usage-agent" / "config.yaml", "wsl:\n  windows: off\n");
    auto report = h.run({"report"});
    REQUIRE(report.exit_code == 0);
    // The VS Code extensions' task folders under every editor's user dir,
    // the paths that differ in one folder name written once in brace form.
    const auto vscode_tasks = [](const std::string& extension) {
        const std::string apps = "{Code,Code - Insiders,VSCodium,Cursor,Windsurf}";
        const std::string tail = "/User/globalStorage/" + extension + "/tasks, ";
        return "~/.config/" + apps + tail + "~/Library/Application Support/" + apps + tail +
               "~/{.vscode-server,.vscode-server-insiders}/data" + tail;
    };
    const auto without_comma = [](std::string roots) { return roots.substr(0, roots.size() - 2); };
    const std::string looked_in =
        "  amp         ~/.local/share/amp  (or $AMP_DATA_DIR)\n"
        "  claude-code ~/.config/claude/projects, ~/.claude/projects  (or $CLAUDE_CONFIG_DIR)\n"
        "  cline       " +
        vscode_tasks("saoudrizwan.claude-dev") +
        "~/.cline/data/tasks  (or $CLINE_DATA_DIR, $CLINE_DIR, $VSCODE_PORTABLE, $VSCODE_APPDATA)\n"
        "  codex-cli   ~/.codex  (or $CODEX_HOME)\n"
        "  copilot-cli ~/.copilot  (or $COPILOT_HOME, $COPILOT_OTEL_FILE_EXPORTER_PATH)\n"
        "  cursor      ~/.config/Cursor/User/globalStorage, ~/Library/Application Support/Cursor/User/globalStorage\n"
        "  droid       ~/.factory/sessions  (or $DROID_SESSIONS_DIR, $FACTORY_DIR)\n"
        "  gemini-cli  ~/.gemini/tmp  (or $GEMINI_CLI_HOME, $GEMINI_DATA_DIR)\n"
        "  goose       ~/.local/share/goose, ~/Library/Application Support/Block/goose, ~/Library/Application "
        "Support/goose  (or $GOOSE_PATH_ROOT)\n"
        "  kilo-cli    ~/.local/share/kilo  (or $KILO_DB)\n"
        "  kilo-code   " +
        without_comma(vscode_tasks("kilocode.kilo-code")) +
        "  (or $VSCODE_PORTABLE, $VSCODE_APPDATA)\n"
        "  opencode    ~/.local/share/opencode  (or $OPENCODE_DATA_DIR)\n"
        "  qwen-code   ~/.qwen  (or $QWEN_RUNTIME_DIR, $QWEN_HOME, $QWEN_DATA_DIR)\n"
        "  roo-code    " +
        without_comma(vscode_tasks("rooveterinaryinc.roo-cline")) +
        "  (or $VSCODE_PORTABLE, $VSCODE_APPDATA)\n"
        "add a folder under sources.<name>.paths in ~/.config/usage-agent/config.yaml, or set the variable in "
        "brackets\n";
    CHECK(report.out == "no usage found in the folders each source looks in:\n" + looked_in);

    auto sync = h.run({"sync", "--once"});
    REQUIRE(sync.exit_code == 0);
    CHECK(sync.out == "no transcripts found in the folders each source looks in:\n" + looked_in);
    // --json keeps its shape: zeros, not the message.
    auto json = h.report("summary");
    CHECK(json["totals"]["events"] == 0);
    CHECK(json["rows"].empty());

    // Config paths, the tool's variable and the Windows side (WSL) are what is shown.
    testing::write_file(h.dir / "home" / ".config" / "usage-agent" / "config.yaml",
                        "sources:\n  codex-cli:\n    paths: [/srv/codex]\nwsl:\n  windows: on\n  windows_drive: " +
                            (h.dir / "c").string() + "\n");
    std::filesystem::create_directories(h.dir / "c" / "Users" / "alice");
    h.env["CLAUDE_CONFIG_DIR"] = "/data/claude";
    auto some = h.run({"sync", "--once", "--source", "claude-code", "--source", "codex-cli"});
    REQUIRE(some.exit_code == 0);
    const std::string win = (h.dir / "c" / "Users" / "alice").string();
    CHECK(some.out ==
          "no transcripts found in the folders each source looks in:\n"
          "  claude-code /data/claude; Windows: " +
              win + "/.claude/projects, " + win +
              "/.config/claude/projects  (or $CLAUDE_CONFIG_DIR)\n"
              "  codex-cli   ~/.codex, /srv/codex; Windows: " +
              win +
              "/.codex  (or $CODEX_HOME)\n"
              "add a folder under sources.<name>.paths in ~/.config/usage-agent/config.yaml, or set the "
              "variable in brackets\n");
}
