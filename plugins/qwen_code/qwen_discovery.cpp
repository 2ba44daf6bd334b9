#include "qwen_discovery.hpp"

#include <set>
#include <string>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::qwen {
namespace fs = std::filesystem;

namespace {

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

class Collector {
public:
    explicit Collector(std::vector<SourceFile>& out) : out_(out) {}

    void add(const fs::path& p, const std::string& project) {
        auto st = stat_file(p);
        if (!st || !seen_.insert({st->device, st->inode}).second) return;
        SourceFile f;
        f.path = p;
        f.kind = "main";
        f.session_hint = p.stem().string();  // <sessionId>.jsonl
        f.project_hint = project;
        f.stat = *st;
        f.mode = ReadMode::append_lines;
        out_.push_back(std::move(f));
    }

private:
    std::vector<SourceFile>& out_;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen_;  // (device, inode): overlapping roots, symlinks
};

// `<project>/chats/**/*.jsonl`: subfolders too, so a later layout that nests
// subagent sessions under their parent is still read.
void scan_project(const fs::path& project_dir, Collector& files) {
    const std::string project = project_dir.filename().string();
    std::error_code ec;
    fs::recursive_directory_iterator it(project_dir / "chats", fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_regular_file(type_ec) && it->path().extension() == ".jsonl") files.add(it->path(), project);
    }
}

void scan_projects(const fs::path& dir, Collector& files) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_directory(type_ec)) scan_project(it->path(), files);
    }
}

}  // namespace

std::vector<fs::path> qwen_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dirs = ctx.env->list("QWEN_DATA_DIR")) {
        for (const auto& dir : *dirs) roots.emplace_back(dir);
    } else {
        if (auto runtime = ctx.env->get("QWEN_RUNTIME_DIR")) roots.emplace_back(*runtime);
        const auto qwen_home = ctx.env->get("QWEN_HOME");
        roots.push_back(qwen_home ? fs::path(*qwen_home) : ctx.env->home() / ".qwen");
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<SourceFile> discover_qwen_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    Collector files(out);
    for (const auto& root : roots) {
        const bool base = is_dir(root / "projects") || is_dir(root / "tmp");
        if (!base) {
            scan_projects(root, files);
            continue;
        }
        scan_projects(root / "projects", files);
        scan_projects(root / "tmp", files);  // builds before the projects/ layout
    }
    return out;
}

}  // namespace usage::plugins::qwen
