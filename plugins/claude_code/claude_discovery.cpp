#include "claude_discovery.hpp"

#include <set>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::claude {
namespace fs = std::filesystem;

namespace {

// A configured entry may name the config dir or its projects/ child.
fs::path projects_dir(const fs::path& entry) {
    std::error_code ec;
    if (fs::is_directory(entry / "projects", ec)) return entry / "projects";
    return entry;
}

}  // namespace

std::vector<fs::path> claude_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dirs = ctx.env->list("CLAUDE_CONFIG_DIR")) {
        for (const auto& dir : *dirs) roots.push_back(projects_dir(dir));
    } else {
        const fs::path home = ctx.env->home();
        roots.push_back(ctx.env->xdg_home("CONFIG") / "claude" / "projects");
        roots.push_back(home / ".claude" / "projects");
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(projects_dir(extra));
    return roots;
}

std::vector<SourceFile> discover_claude_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (device, inode)
    for (const auto& root : roots) {
        std::error_code ec;
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            const auto& entry = *it;
            std::error_code type_ec;
            if (!entry.is_regular_file(type_ec)) continue;
            const fs::path& p = entry.path();
            if (p.extension() != ".jsonl") continue;
            const std::string name = p.filename().string();
            if (name == "journal.jsonl") continue;  // subagent bookkeeping, not a transcript
            auto st = stat_file(p);
            if (!st || !seen.insert({st->device, st->inode}).second) continue;

            SourceFile f;
            f.path = p;
            f.stat = *st;
            fs::path rel = p.lexically_relative(root);
            f.project_hint =
                rel.begin() != rel.end() && std::next(rel.begin()) != rel.end() ? rel.begin()->string() : "";
            // Nested 2.1.x layout: <slug>/<session>/subagents/**/agent-*.jsonl.
            fs::path session_dir;
            for (fs::path dir = p.parent_path(); dir != root && dir.has_relative_path(); dir = dir.parent_path()) {
                if (dir.filename() == "subagents") {
                    session_dir = dir.parent_path();
                    break;
                }
                if (dir == dir.parent_path()) break;
            }
            if (!session_dir.empty()) {
                f.kind = "subagent";
                f.session_hint = session_dir.filename().string();
            } else if (name.starts_with("agent-")) {
                f.kind = "subagent";  // flat 2.0.x: lines carry the parent's sessionId
            } else {
                f.kind = "main";
                f.session_hint = p.stem().string();
            }
            out.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace usage::plugins::claude
