#include "droid_discovery.hpp"

#include <set>
#include <string>
#include <utility>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::droid {
namespace fs = std::filesystem;

namespace {

using Seen = std::set<std::pair<std::uint64_t, std::uint64_t>>;  // (device, inode)

constexpr std::string_view kSuffix = ".settings.json";

void add_settings(const fs::path& dir, const std::string& slug, Seen& seen, std::vector<SourceFile>& out,
                  bool descend) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        const std::string name = it->path().filename().string();
        if (descend && it->is_directory(type_ec)) {
            add_settings(it->path(), name, seen, out, false);
            continue;
        }
        if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix) || !it->is_regular_file(type_ec)) continue;
        auto st = stat_file(it->path());
        if (!st || !seen.insert({st->device, st->inode}).second) continue;
        SourceFile f;
        f.path = it->path();
        f.kind = "settings";
        f.session_hint = name.substr(0, name.size() - kSuffix.size());
        f.project_hint = slug;
        f.stat = *st;
        f.mode = ReadMode::cumulative;
        out.push_back(std::move(f));
    }
}

}  // namespace

std::vector<fs::path> droid_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dir = ctx.env->get("DROID_SESSIONS_DIR"))
        roots.emplace_back(*dir);
    else if (auto factory = ctx.env->get("FACTORY_DIR"))
        roots.push_back(fs::path(*factory) / "sessions");
    else
        roots.push_back(ctx.env->home() / ".factory" / "sessions");
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<SourceFile> discover_droid_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    Seen seen;
    for (const auto& root : roots) add_settings(root, "", seen, out, true);
    return out;
}

}  // namespace usage::plugins::droid
