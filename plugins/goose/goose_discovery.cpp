#include "goose_discovery.hpp"

#include <set>
#include <utility>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::goose {
namespace fs = std::filesystem;

std::vector<fs::path> goose_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    // Goose ignores a relative GOOSE_PATH_ROOT (Paths::validated_path_root).
    if (auto root = ctx.env->get("GOOSE_PATH_ROOT"); root && fs::path(*root).is_absolute()) {
        roots.push_back(fs::path(*root) / "data");
    } else {
        roots.push_back(ctx.env->xdg_home("DATA") / "goose");
        const fs::path support = ctx.env->home() / "Library" / "Application Support";
        roots.push_back(support / "Block" / "goose");
        roots.push_back(support / "goose");
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<SourceFile> discover_goose_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (device, inode)
    for (const auto& root : roots) {
        for (const fs::path& db : {root / "sessions" / "sessions.db", root / "sessions.db"}) {
            std::error_code ec;
            if (!fs::is_regular_file(db, ec)) continue;
            auto st = stat_sqlite_database(db);
            if (!st || !seen.insert({st->device, st->inode}).second) continue;
            SourceFile f;
            f.path = db;
            f.kind = "database";
            f.stat = *st;
            f.mode = ReadMode::cumulative;
            out.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace usage::plugins::goose
