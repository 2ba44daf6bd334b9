// Where the task folders are looked for, and how a folder is identified.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>

#include "vscode_task_files.hpp"

namespace fs = std::filesystem;
using namespace vscode_task_test;

namespace {

bool has(const std::vector<fs::path>& list, const fs::path& p) {
    return std::find(list.begin(), list.end(), p) != list.end();
}

std::vector<fs::path> cline_roots(const std::map<std::string, std::string>& vars) {
    usage::Environment env(vars);
    usage::DiscoveryContext ctx;
    ctx.env = &env;
    ctx.extra_paths = {"/extra/tasks"};
    return plugin("cline").roots(ctx);
}

}  // namespace

TEST_CASE("vscode tasks discovery: every editor's user dir on Linux, macOS, VS Code Server") {
    const auto roots = cline_roots({{"HOME", "/h"}});
    const std::string ext = "globalStorage/saoudrizwan.claude-dev/tasks";
    for (const char* app : {"Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf"}) {
        CHECK(has(roots, fs::path("/h/.config") / app / "User" / ext));
        CHECK(has(roots, fs::path("/h/Library/Application Support") / app / "User" / ext));
    }
    CHECK(has(roots, fs::path("/h/.vscode-server/data/User") / ext));
    CHECK(has(roots, "/h/.cline/data/tasks"));
    CHECK(has(roots, "/extra/tasks"));
}

TEST_CASE("vscode tasks discovery: override variables of Cline and of VS Code") {
    const auto data = cline_roots({{"HOME", "/h"}, {"CLINE_DATA_DIR", "/d"}, {"CLINE_DIR", "/c"}});
    CHECK(has(data, "/d/tasks"));
    CHECK_FALSE(has(data, "/c/data/tasks"));
    CHECK_FALSE(has(data, "/h/.cline/data/tasks"));
    const auto dir = cline_roots({{"HOME", "/h"}, {"CLINE_DIR", "/c"}});
    CHECK(has(dir, "/c/data/tasks"));
    const auto vs =
        cline_roots({{"HOME", "/h"}, {"VSCODE_PORTABLE", "/p"}, {"VSCODE_APPDATA", "/a"}, {"XDG_CONFIG_HOME", "/x"}});
    CHECK(has(vs, "/p/user-data/User/globalStorage/saoudrizwan.claude-dev/tasks"));
    CHECK(has(vs, "/a/Code/User/globalStorage/saoudrizwan.claude-dev/tasks"));
    CHECK(has(vs, "/x/Cursor/User/globalStorage/saoudrizwan.claude-dev/tasks"));
    const auto vars = plugin("cline").root_variables();
    CHECK(std::vector<std::string_view>(vars.begin(), vars.end()) ==
          std::vector<std::string_view>{"CLINE_DATA_DIR", "CLINE_DIR", "VSCODE_PORTABLE", "VSCODE_APPDATA"});
}

TEST_CASE("vscode tasks discovery: Windows roots below %APPDATA% and ~/.cline") {
    const auto win = plugin("cline").windows_roots("/mnt/c/Users/u");
    CHECK(has(win, "/mnt/c/Users/u/AppData/Roaming/Code/User/globalStorage/saoudrizwan.claude-dev/tasks"));
    CHECK(has(win, "/mnt/c/Users/u/AppData/Roaming/Windsurf/User/globalStorage/saoudrizwan.claude-dev/tasks"));
    CHECK(has(win, "/mnt/c/Users/u/.cline/data/tasks"));
}

TEST_CASE("vscode tasks discovery: a root may be tasks/, its parent or one task, each task once") {
    testing::TempDir tmp;
    const fs::path storage = tmp / "globalStorage/saoudrizwan.claude-dev";
    write_task(storage / "tasks", "a", json::array());
    write_task(storage / "tasks", "b", json::array());
    fs::create_directories(storage / "tasks/no-messages");
    const auto files = plugin("cline").discover({storage, storage / "tasks", storage / "tasks/a"});
    REQUIRE(files.size() == 2);
    for (const auto& f : files) {
        CHECK(f.mode == usage::ReadMode::snapshot);
        CHECK(f.path.filename() == "ui_messages.json");
        CHECK(f.session_hint == f.path.parent_path().filename().string());
    }
}

TEST_CASE("vscode tasks discovery: the identity survives a rewrite by rename, companions change the stat") {
    testing::TempDir tmp;
    const fs::path dir = write_task(tmp / "tasks", "t", json::array());
    const auto first = plugin("roo-code").discover({tmp / "tasks"});
    REQUIRE(first.size() == 1);
    // Roo's safeWriteJson: a new file renamed over the old one.
    testing::write_file(dir / ".ui_messages.json.new.tmp", "[{\"ts\":1}]");
    fs::rename(dir / ".ui_messages.json.new.tmp", dir / "ui_messages.json");
    const auto second = plugin("roo-code").discover({tmp / "tasks"});
    REQUIRE(second.size() == 1);
    CHECK(second[0].stat.inode == first[0].stat.inode);
    CHECK(second[0].stat.device == first[0].stat.device);
    CHECK(second[0].stat.size == 10);
    testing::write_file(dir / "api_conversation_history.json", "[]");
    const auto third = plugin("roo-code").discover({tmp / "tasks"});
    CHECK(third[0].stat.size == 12);
}

TEST_CASE("vscode tasks discovery: FIFOs are never opened, neither as messages nor as companions") {
    testing::TempDir tmp;
    fs::create_directories(tmp / "tasks/fifo");
    REQUIRE(::mkfifo((tmp / "tasks/fifo/ui_messages.json").c_str(), 0600) == 0);
    CHECK(plugin("cline").discover({tmp / "tasks"}).empty());
    // A FIFO in place of a companion file: the scan reads the messages and
    // goes on without it (a blocking open would hang here).
    const fs::path dir = write_task(tmp / "tasks", "ok",
                                    json::array({say(1, "api_req_started", usage_text(3, 4, 0, 0, 0.0),
                                                     cline_model("anthropic", "claude-sonnet-4-5"))}));
    REQUIRE(::mkfifo((dir / "api_conversation_history.json").c_str(), 0600) == 0);
    const auto r = scan_dir("cline", dir);
    check_sums(r.events, {1, 3, 4, 0, 0, 0});
}
