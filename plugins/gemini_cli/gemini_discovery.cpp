#include "gemini_discovery.hpp"

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::gemini {
namespace fs = std::filesystem;

namespace {

// A configured entry may name the `.gemini` dir or its tmp/ child.
fs::path tmp_dir(const fs::path& entry) {
    std::error_code ec;
    if (fs::is_directory(entry / "tmp", ec)) return entry / "tmp";
    return entry;
}

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

std::string trimmed(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

// Newer versions name project folders by a slug and write the project's
// absolute path into `<folder>/.project_root`; older ones use a hash of the
// path and leave no marker: the folder name is all there is.
std::string project_hint(const fs::path& project_dir) {
    std::ifstream in(project_dir / ".project_root", std::ios::binary);
    if (in) {
        std::string root = trimmed(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
        if (!root.empty()) return root;
    }
    return project_dir.filename().string();
}

bool has_session_extension(const fs::path& p) {
    return p.extension() == ".json" || p.extension() == ".jsonl";
}

class Collector {
public:
    explicit Collector(std::vector<SourceFile>& out) : out_(out) {}

    void add(const fs::path& p, const char* kind, std::string session_hint, const std::string& project) {
        auto st = stat_file(p);
        if (!st || !seen_.insert({st->device, st->inode}).second) return;
        SourceFile f;
        f.path = p;
        f.kind = kind;
        f.session_hint = std::move(session_hint);
        f.project_hint = project;
        f.stat = *st;
        // Legacy .json files are rewritten whole on every message; .jsonl
        // files only grow.
        f.mode = p.extension() == ".json" ? ReadMode::snapshot : ReadMode::append_lines;
        out_.push_back(std::move(f));
    }

private:
    std::vector<SourceFile>& out_;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen_;  // (device, inode): overlapping roots, symlinks
};

void scan_project(const fs::path& project_dir, Collector& files) {
    const fs::path chats = project_dir / "chats";
    std::error_code ec;
    fs::directory_iterator it(chats, ec), end;
    if (ec) return;
    const std::string project = project_hint(project_dir);
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        std::error_code type_ec;
        if (it->is_directory(type_ec)) {
            // Subagent sessions: chats/<parent session id>/<session id>.jsonl.
            std::error_code sub_ec;
            fs::directory_iterator sub(p, sub_ec);
            for (; !sub_ec && sub != end; sub.increment(sub_ec)) {
                std::error_code sub_type_ec;
                if (sub->is_regular_file(sub_type_ec) && has_session_extension(sub->path()))
                    files.add(sub->path(), "subagent", p.filename().string(), project);
            }
        } else if (it->is_regular_file(type_ec) && has_session_extension(p) &&
                   p.filename().string().starts_with("session-")) {
            files.add(p, "main", p.stem().string(), project);
        }
    }
}

}  // namespace

std::vector<fs::path> gemini_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dirs = ctx.env->list("GEMINI_DATA_DIR")) {
        for (const auto& dir : *dirs) roots.push_back(tmp_dir(dir));
    } else {
        const auto cli_home = ctx.env->get("GEMINI_CLI_HOME");
        const fs::path home = cli_home ? fs::path(*cli_home) : ctx.env->home();
        roots.push_back(home / ".gemini" / "tmp");
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(tmp_dir(extra));
    return roots;
}

std::vector<SourceFile> discover_gemini_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    Collector files(out);
    for (const auto& root : roots) {
        if (is_dir(root / "chats")) {
            scan_project(root, files);
            continue;
        }
        std::error_code ec;
        fs::directory_iterator it(root, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            std::error_code type_ec;
            if (it->is_directory(type_ec)) scan_project(it->path(), files);
        }
    }
    return out;
}

}  // namespace usage::plugins::gemini
