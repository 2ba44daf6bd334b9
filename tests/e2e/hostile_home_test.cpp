// Whatever else is in a watched folder, `sync` finishes and counts the good
// events exactly: two homes hold the same transcripts of all five sources,
// one of them also FIFOs, sockets, directories and symlink loops named like
// transcripts, a 1 GB line with no newline, JSON nested 100,000 deep, binary
// junk, garbage and truncated databases and a corrupt .zst. Every report of
// the two is identical, and each file that could not be read is named in one
// warning. The same, run as an unprivileged user, for files it may not read.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>

#include "test_support.hpp"
#include "transcripts/claude_lines.hpp"
#include "transcripts/cursor_db.hpp"
#include "transcripts/opencode_fixture.hpp"
#include "usage/os/unique_fd.hpp"

namespace {

namespace fs = std::filesystem;
using claude_test::Assistant;

const fs::path kPlugins = testing::source_dir() / "plugins";

// The five sources' good data: every fixture case of the three JSONL
// sources, OpenCode's and Cursor's sample databases (closed again).
void write_good_home(const fs::path& home) {
    auto copy_cases = [&](const std::string& plugin, const std::string& sub, const fs::path& to) {
        for (const auto& c : fs::directory_iterator(kPlugins / plugin / "tests/fixtures"))
            if (c.is_directory() && fs::exists(c.path() / sub)) {
                fs::create_directories(to);
                fs::copy(c.path() / sub, to, fs::copy_options::recursive);
            }
    };
    copy_cases("claude_code", "projects", home / ".claude/projects");
    copy_cases("codex_cli", "codex", home / ".codex");
    copy_cases("gemini_cli", "gemini", home / ".gemini");
    {
        opencode_test::Db db(home / ".local/share/opencode/opencode.db");
        opencode_test::write_sample(db, home / ".local/share/opencode/storage");
    }
    cursor_test::StateDb cursor(home / ".config/Cursor/User/globalStorage/state.vscdb");
    cursor_test::write_e2e_sample(cursor);
}

void make_fifo(const fs::path& p) {
    REQUIRE(::mkfifo(p.c_str(), 0644) == 0);
}

// A listening-capable socket file: bound, then the descriptor closed (the
// file stays, as a crashed server's does).
void make_socket(const fs::path& p) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = p.string();
    REQUIRE(path.size() < sizeof(addr.sun_path));
    std::copy(path.begin(), path.end(), addr.sun_path);
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    ::close(fd);
    REQUIRE(bound == 0);
}

// Everything hostile, beside the good data.
void write_hostile_files(const fs::path& home) {
    const fs::path claude = home / ".claude/projects/-w-hostile";
    fs::create_directories(claude);
    make_fifo(claude / "fifo.jsonl");
    make_socket(claude / "socket.jsonl");
    fs::create_directories(claude / "dir.jsonl");
    fs::create_symlink("loop.jsonl", claude / "loop.jsonl");
    fs::create_symlink("..", claude / "up");  // a directory loop
    // 1 GB of NUL bytes and no newline (sparse: no disk is used).
    { std::ofstream huge(claude / "huge.jsonl"); }
    fs::resize_file(claude / "huge.jsonl", std::uintmax_t{1} << 30);
    // A usage line nested 100,000 deep, and binary junk around a needle.
    std::string deep = R"({"type":"assistant","message":{"usage":)";
    deep += std::string(100'000, '[') + std::string(100'000, ']') + "}}\n";
    std::string junk;
    for (int i = 0; i < 200'000; ++i) junk += static_cast<char>((i * 7919 + 13) % 256);
    junk.insert(100'000, R"("usage":{"input_tokens":)");
    testing::write_file(claude / "deep-and-junk.jsonl", deep + junk + "\n" + deep);

    const fs::path codex = home / ".codex/sessions/2026/01/10";
    fs::create_directories(codex);
    make_fifo(codex / "rollout-2026-01-10T10-00-00-0199a0a0-0000-7000-8000-000000000001.jsonl");
    testing::write_file(codex / "rollout-2026-01-10T11-00-00-0199a0a0-0000-7000-8000-000000000002.jsonl.zst",
                        std::string("\x28\xb5\x2f\xfd") + std::string(4000, '\x77'));

    const fs::path gemini = home / ".gemini/tmp/0123456789abcdef/chats";
    fs::create_directories(gemini);
    make_fifo(gemini / "session-2026-01-10T10-00-fifo.json");
    std::string nested;
    for (int i = 0; i < 100'000; ++i) nested += R"({"messages":)";
    nested += "1" + std::string(100'000, '}');
    testing::write_file(gemini / "session-2026-01-10T11-00-deep.json", nested);

    const fs::path opencode = home / ".local/share/opencode";
    testing::write_file(opencode / "opencode-garbage.db", junk);
    const std::string real = testing::read_file(opencode / "opencode.db");
    testing::write_file(opencode / "opencode-truncated.db", real.substr(0, real.size() / 2));

    testing::write_file(home / "Library/Application Support/Cursor/User/globalStorage/state.vscdb", junk);
}

// Every report a user reads, as JSON: what both homes must agree on.
std::vector<nlohmann::json> reports(const testing::AgentHome& h) {
    std::vector<nlohmann::json> out;
    for (const char* view : {"sources", "models", "daily", "sessions", "projects"}) {
        auto r = h.report(view, {"--range", "all", "--full"});
        r.erase("generated_at");
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

TEST_CASE("hostile home: FIFOs, loops, a 1 GB line, deep JSON, junk and broken databases change no count") {
    testing::AgentHome plain;
    write_good_home(plain.dir / "home");
    testing::AgentHome hostile;
    write_good_home(hostile.dir / "home");
    write_hostile_files(hostile.dir / "home");

    auto good = plain.run({"sync", "--once", "--no-push"});
    REQUIRE_MESSAGE(good.exit_code == 0, good.err);
    auto r = hostile.run({"sync", "--once", "--no-push", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    INFO("stderr: " << r.err);

    const auto a = reports(plain);
    const auto b = reports(hostile);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
    CHECK(b[0]["totals"]["events"] == 65);

    // Each file that could not be read: one warning naming it.
    const fs::path home = hostile.dir / "home";
    auto warned_once = [&](const fs::path& file, const std::string& why) {
        const std::string needle = file.string() + ": " + why;
        const auto first = r.err.find(needle);
        CHECK_MESSAGE(first != std::string::npos, needle);
        if (first != std::string::npos) CHECK_MESSAGE(r.err.find(needle, first + 1) == std::string::npos, needle);
    };
    warned_once(home / ".local/share/opencode/opencode-garbage.db", "file is not a database");
    warned_once(home / ".local/share/opencode/opencode-truncated.db", "database disk image is malformed");
    warned_once(home / "Library/Application Support/Cursor/User/globalStorage/state.vscdb", "file is not a database");
    warned_once(
        home / ".codex/sessions/2026/01/10/rollout-2026-01-10T11-00-00-0199a0a0-0000-7000-8000-000000000002.jsonl.zst",
        "zstd: ");
    // Nothing named like a transcript that is not a file was opened.
    for (const char* name : {"fifo.jsonl", "socket.jsonl", "dir.jsonl", "loop.jsonl"})
        CHECK_MESSAGE(r.err.find(name) == std::string::npos, name);

    // Bounded memory whatever the files: the largest resident set of any
    // agent this test ran (19 MiB measured in a release build, the 1 GB line
    // included; the bound leaves room for a sanitizer build).
    rusage children{};
    REQUIRE(::getrusage(RUSAGE_CHILDREN, &children) == 0);
    CHECK(children.ru_maxrss / 1024 < 256);

    // A second sync reads nothing new and counts the same.
    auto again = hostile.run({"sync", "--once", "--no-push"});
    CHECK(again.exit_code == 0);
    CHECK(reports(hostile) == b);
}

TEST_CASE("hostile home: a FIFO put where a transcript was is refused at open, never waited on") {
    testing::TempDir dir;
    make_fifo(dir / "swapped.jsonl");
    try {
        (void)usage::open_read_only(dir / "swapped.jsonl");
        FAIL("opened a FIFO");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) == (dir / "swapped.jsonl").string() + ": not a regular file (a FIFO)");
    }
    fs::create_directories(dir / "dir.jsonl");
    CHECK_THROWS_WITH(usage::open_read_only(dir / "dir.jsonl"),
                      ((dir / "dir.jsonl").string() + ": not a regular file (a directory)").c_str());
}

TEST_CASE("hostile home: files this user may not read are named once, the rest is counted (as a non-root user)") {
    testing::AgentHome h;
    const fs::path projects = h.dir / "home" / ".claude" / "projects";
    testing::write_file(projects / "-w-app" / "ok.jsonl",
                        Assistant("msg_ok", "req_ok", 100, 0, 0, 10).model("claude-sonnet-4-5").line());
    testing::write_file(projects / "-w-app" / "secret.jsonl",
                        Assistant("msg_secret", "req_secret", 200, 0, 0, 20).model("claude-sonnet-4-5").line());
    testing::write_file(projects / "-w-closed" / "hidden.jsonl",
                        Assistant("msg_hidden", "req_hidden", 300, 0, 0, 30).model("claude-sonnet-4-5").line());
    fs::permissions(projects / "-w-app" / "secret.jsonl", fs::perms::none);
    fs::permissions(projects / "-w-closed", fs::perms::none);

    // As root every file is readable: run the agent as nobody, in a home it owns.
    testing::ChildSetup as_nobody;
    if (::geteuid() == 0) {
        constexpr uid_t kNobody = 65534;
        fs::permissions(h.dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        for (const auto& e :
             fs::recursive_directory_iterator(h.dir.path(), fs::directory_options::skip_permission_denied))
            REQUIRE(::lchown(e.path().c_str(), kNobody, kNobody) == 0);
        REQUIRE(::lchown(h.dir.path().c_str(), kNobody, kNobody) == 0);
        REQUIRE(::lchown((projects / "-w-closed" / "hidden.jsonl").c_str(), kNobody, kNobody) == 0);
        as_nobody = [] { return ::setgroups(0, nullptr) == 0 && ::setgid(kNobody) == 0 && ::setuid(kNobody) == 0; };
    }
    auto r = testing::run_command({fs::canonical(USAGE_AGENT_BIN).string(), "sync", "--once", "--no-push"}, h.env,
                                  as_nobody);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const std::string needle = (projects / "-w-app" / "secret.jsonl").string() + ": cannot open: Permission denied";
    const auto at = r.err.find(needle);
    CHECK(at != std::string::npos);
    if (at != std::string::npos) CHECK(r.err.find(needle, at + 1) == std::string::npos);
    auto summary = testing::run_command(
        {fs::canonical(USAGE_AGENT_BIN).string(), "report", "summary", "--json", "--no-scan"}, h.env, as_nobody);
    REQUIRE(summary.exit_code == 0);
    const auto totals = nlohmann::json::parse(summary.out)["totals"];
    CHECK(totals["events"] == 1);
    CHECK(totals["input_tokens"] == 100);
    // Let the TempDir remove what it made.
    fs::permissions(projects / "-w-closed", fs::perms::owner_all);
}

TEST_CASE("hostile home: timestamps far in the past or future are counted, every report still renders") {
    testing::AgentHome h;
    std::string lines;
    int n = 0;
    for (const char* ts : {"9999-12-31T23:59:59.999Z", "0001-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z",
                           "+275760-09-13T00:00:00Z", "2026-01-10T10:00:00.000Z"}) {
        const std::string id = "msg_t" + std::to_string(n++);
        lines += Assistant(id, "req_" + id, 10, 0, 0, 5).model("claude-sonnet-4-5").at(ts).line();
    }
    testing::write_file(h.dir / "home" / ".claude" / "projects" / "-w-time" / "s.jsonl", lines);
    auto r = h.run({"sync", "--once", "--no-push"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(h.report("summary", {"--range", "all"})["totals"]["events"] == 5);
    const auto daily = h.report("daily", {"--range", "all"});
    REQUIRE(daily["rows"].size() == 4);  // the unreadable year +275760 is kept at the epoch
    CHECK(daily["rows"][0]["key"] == "0001-01-01");
    CHECK(daily["rows"][1]["key"] == "1970-01-01");
    CHECK(daily["rows"][1]["events"] == 2);
    CHECK(daily["rows"][3]["key"] == "9999-12-31");
    for (const char* view : {"sessions", "hourly", "weekly", "monthly", "models"}) {
        auto table = h.run({"report", view, "--range", "all", "--no-scan"});
        CHECK_MESSAGE(table.exit_code == 0, view);
    }
}
