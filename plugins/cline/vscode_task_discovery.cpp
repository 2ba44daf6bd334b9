#include "vscode_task_discovery.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::vscode_tasks {
namespace fs = std::filesystem;

namespace {

// The application folder names of the VS Code builds the extensions install
// into (the product's `dataFolderName` siblings under the OS config dir).
constexpr std::string_view kApps[] = {"Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf"};

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

void add_unique(std::vector<fs::path>& out, fs::path p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
}

// The task folder's own identity with the sizes and mtimes of the files the
// scan reads folded in.
std::optional<FileStat> task_stat(const fs::path& dir) {
    auto dir_stat = stat_file(dir);
    auto messages = stat_file(dir / kMessagesFile);
    if (!dir_stat || !messages) return std::nullopt;
    FileStat st = *messages;
    st.device = dir_stat->device;
    st.inode = dir_stat->inode;
    for (std::string_view name : {kHistoryFile, kMetadataFile, kHistoryItemFile}) {
        if (auto other = stat_file(dir / name)) {
            st.size += other->size;
            st.mtime_ns = std::max(st.mtime_ns, other->mtime_ns);
        }
    }
    return st;
}

class Collector {
public:
    explicit Collector(std::vector<SourceFile>& out) : out_(out) {}

    void add_task(const fs::path& dir) {
        std::error_code ec;
        if (!fs::is_regular_file(dir / kMessagesFile, ec)) return;
        auto st = task_stat(dir);
        if (!st || !seen_.insert({st->device, st->inode}).second) return;
        SourceFile f;
        f.path = dir / kMessagesFile;
        f.kind = "task";
        f.session_hint = dir.filename().string();
        f.stat = *st;
        f.mode = ReadMode::snapshot;
        out_.push_back(std::move(f));
    }

    void add_tasks_folder(const fs::path& tasks) {
        std::error_code ec;
        for (fs::directory_iterator it(tasks, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code type_ec;
            if (it->is_directory(type_ec)) add_task(it->path());
        }
    }

private:
    std::vector<SourceFile>& out_;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen_;  // (device, inode) of task folders
};

}  // namespace

std::vector<fs::path> vscode_user_dirs(const Environment& env) {
    const fs::path home = env.home();
    std::vector<fs::path> dirs;
    if (auto portable = env.get("VSCODE_PORTABLE")) add_unique(dirs, fs::path(*portable) / "user-data" / "User");
    std::vector<fs::path> app_parents;
    if (auto appdata = env.get("VSCODE_APPDATA")) app_parents.emplace_back(*appdata);
    app_parents.push_back(env.xdg_home("CONFIG"));
    app_parents.push_back(home / ".config");  // when $XDG_CONFIG_HOME points elsewhere
    app_parents.push_back(home / "Library" / "Application Support");
    for (const auto& parent : app_parents)
        for (std::string_view app : kApps) add_unique(dirs, parent / app / "User");
    add_unique(dirs, home / ".vscode-server" / "data" / "User");
    add_unique(dirs, home / ".vscode-server-insiders" / "data" / "User");
    return dirs;
}

std::vector<fs::path> extension_task_roots(const DiscoveryContext& ctx, std::string_view extension_id) {
    std::vector<fs::path> roots;
    for (const auto& user : vscode_user_dirs(*ctx.env))
        roots.push_back(user / "globalStorage" / fs::path(extension_id) / "tasks");
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<fs::path> windows_extension_task_roots(const fs::path& windows_home, std::string_view extension_id) {
    std::vector<fs::path> roots;
    for (std::string_view app : kApps)
        roots.push_back(windows_home / "AppData" / "Roaming" / fs::path(app) / "User" / "globalStorage" /
                        fs::path(extension_id) / "tasks");
    return roots;
}

std::vector<SourceFile> discover_task_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    Collector files(out);
    for (const auto& root : roots) {
        std::error_code ec;
        if (fs::is_regular_file(root / kMessagesFile, ec))
            files.add_task(root);
        else if (is_dir(root / "tasks"))
            files.add_tasks_folder(root / "tasks");
        else
            files.add_tasks_folder(root);
    }
    return out;
}

}  // namespace usage::plugins::vscode_tasks
