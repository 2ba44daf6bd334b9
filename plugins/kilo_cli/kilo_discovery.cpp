#include "kilo_discovery.hpp"

#include <set>
#include <string>
#include <utility>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::kilo {
namespace fs = std::filesystem;

std::vector<fs::path> kilo_roots(const DiscoveryContext& ctx) {
    const fs::path data = ctx.env->xdg_home("DATA") / "kilo";
    std::vector<fs::path> roots{data};
    if (auto db = ctx.env->get("KILO_DB"); db && *db != ":memory:") {
        const fs::path file = fs::path(*db).is_absolute() ? fs::path(*db) : data / *db;
        if (file.parent_path() != data) roots.push_back(file.parent_path());
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<SourceFile> discover_kilo_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (device, inode)
    for (const auto& root : roots) {
        std::error_code ec;
        for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code type_ec;
            const fs::path& db = it->path();
            if (db.extension() != ".db" || db.stem().empty() || !it->is_regular_file(type_ec)) continue;
            auto st = stat_sqlite_database(db);
            if (!st || !seen.insert({st->device, st->inode}).second) continue;
            SourceFile f;
            f.path = db;
            f.kind = "database";
            f.stat = *st;
            f.mode = ReadMode::snapshot;
            out.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace usage::plugins::kilo
