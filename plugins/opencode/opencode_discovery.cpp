#include "opencode_discovery.hpp"

#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::opencode {
namespace fs = std::filesystem;

namespace {

using Seen = std::set<std::pair<std::uint64_t, std::uint64_t>>;  // (device, inode)

// A configured path may name the data folder or its storage/ child.
fs::path data_dir(const fs::path& entry) {
    std::error_code ec;
    if (entry.filename() == "storage" && fs::is_directory(entry / "message", ec)) return entry.parent_path();
    return entry;
}

bool is_database_name(const std::string& name) {
    return name.starts_with("opencode") && name.size() > 3 && name.ends_with(".db");
}

void add_databases(const fs::path& root, Seen& seen, std::vector<SourceFile>& out) {
    std::error_code ec;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec) || !is_database_name(it->path().filename().string())) continue;
        const fs::path& db = it->path();
        // Rows often sit only in the -wal (OpenCode checkpoints rarely).
        auto st = stat_sqlite_database(db);
        if (!st || !seen.insert({st->device, st->inode}).second) continue;
        SourceFile f;
        f.path = db;
        f.kind = kKindDatabase;
        f.stat = *st;
        f.mode = ReadMode::snapshot;
        out.push_back(std::move(f));
    }
}

// Session id -> project id, from the names under storage/session/<project>/.
std::unordered_map<std::string, std::string> session_projects(const fs::path& storage) {
    std::unordered_map<std::string, std::string> out;
    std::error_code ec;
    for (fs::directory_iterator p(storage / "session", ec), end; !ec && p != end; p.increment(ec)) {
        std::error_code dir_ec;
        if (!p->is_directory(dir_ec)) continue;
        const std::string project = p->path().filename().string();
        for (fs::directory_iterator s(p->path(), dir_ec); !dir_ec && s != end; s.increment(dir_ec))
            if (s->path().extension() == ".json") out.emplace(s->path().stem().string(), project);
    }
    return out;
}

void add_legacy_messages(const fs::path& root, Seen& seen, std::vector<SourceFile>& out) {
    const fs::path storage = root / "storage";
    std::error_code ec;
    if (!fs::is_directory(storage / "message", ec)) return;
    const auto projects = session_projects(storage);
    for (fs::directory_iterator s(storage / "message", ec), end; !ec && s != end; s.increment(ec)) {
        std::error_code dir_ec;
        if (!s->is_directory(dir_ec)) continue;
        const std::string session = s->path().filename().string();
        const auto project = projects.find(session);
        for (fs::directory_iterator m(s->path(), dir_ec); !dir_ec && m != end; m.increment(dir_ec)) {
            const fs::path& p = m->path();
            std::error_code type_ec;
            if (p.extension() != ".json" || !m->is_regular_file(type_ec)) continue;
            auto st = stat_file(p);
            if (!st || !seen.insert({st->device, st->inode}).second) continue;
            SourceFile f;
            f.path = p;
            f.kind = kKindLegacyMessage;
            f.session_hint = session;
            // The project id (not a name): lets the scan open the session
            // file directly instead of searching every project folder.
            if (project != projects.end()) f.project_hint = project->second;
            f.stat = *st;
            f.mode = ReadMode::snapshot;
            out.push_back(std::move(f));
        }
    }
}

}  // namespace

std::vector<fs::path> opencode_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dir = ctx.env->get("OPENCODE_DATA_DIR"))
        roots.push_back(data_dir(*dir));
    else
        roots.push_back(ctx.env->xdg_home("DATA") / "opencode");
    for (const auto& extra : ctx.extra_paths) roots.push_back(data_dir(extra));
    return roots;
}

std::vector<SourceFile> discover_opencode_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    Seen seen;
    for (const auto& root : roots) {
        add_databases(root, seen, out);
        add_legacy_messages(root, seen, out);
    }
    return out;
}

}  // namespace usage::plugins::opencode
