#include "cursor_discovery.hpp"

#include <set>
#include <utility>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::cursor {
namespace fs = std::filesystem;

namespace {

const fs::path kGlobalStorage = fs::path("User") / "globalStorage";

}  // namespace

std::vector<fs::path> cursor_roots(const DiscoveryContext& ctx) {
    const fs::path home = ctx.env->home();
    std::vector<fs::path> roots{
        ctx.env->xdg_home("CONFIG") / "Cursor" / kGlobalStorage,
        home / ".config" / "Cursor" / kGlobalStorage,  // when $XDG_CONFIG_HOME points elsewhere
        home / "Library" / "Application Support" / "Cursor" / kGlobalStorage,
    };
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<fs::path> cursor_windows_roots(const fs::path& windows_home) {
    return {windows_home / "AppData" / "Roaming" / "Cursor" / kGlobalStorage};
}

std::vector<SourceFile> discover_cursor_dbs(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (device, inode)
    for (const auto& root : roots) {
        for (const fs::path& dir : {root, root / "globalStorage", root / kGlobalStorage}) {
            const fs::path db = dir / "state.vscdb";
            auto st = stat_with_companions(db, {fs::path(db.string() + "-wal")});
            std::error_code ec;
            if (!st || !fs::is_regular_file(db, ec) || !seen.insert({st->device, st->inode}).second) continue;
            SourceFile f;
            f.path = db;
            f.kind = "state-db";
            f.stat = *st;
            f.mode = ReadMode::snapshot;
            out.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace usage::plugins::cursor
