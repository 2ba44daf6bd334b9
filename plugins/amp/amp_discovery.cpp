#include "amp_discovery.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::amp {
namespace fs = std::filesystem;

std::vector<fs::path> amp_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dirs = ctx.env->list("AMP_DATA_DIR")) {
        for (const auto& dir : *dirs) roots.emplace_back(dir);
    } else {
        roots.push_back(ctx.env->xdg_home("DATA") / "amp");
        const fs::path local = ctx.env->home() / ".local" / "share" / "amp";
        if (std::find(roots.begin(), roots.end(), local) == roots.end()) roots.push_back(local);
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<SourceFile> discover_amp_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (device, inode): overlapping roots, symlinks
    for (const auto& root : roots) {
        std::error_code ec;
        const fs::path threads = fs::is_directory(root / "threads", ec) ? root / "threads" : root;
        fs::directory_iterator it(threads, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            const fs::path& p = it->path();
            std::error_code type_ec;
            if (!it->is_regular_file(type_ec) || p.extension() != ".json") continue;
            if (!p.filename().string().starts_with("T-")) continue;
            auto st = stat_file(p);
            if (!st || !seen.insert({st->device, st->inode}).second) continue;
            SourceFile f;
            f.path = p;
            f.kind = "thread";
            f.session_hint = p.stem().string();
            f.stat = *st;
            f.mode = ReadMode::snapshot;
            out.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace usage::plugins::amp
