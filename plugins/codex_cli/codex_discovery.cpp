#include "codex_discovery.hpp"

#include <map>
#include <set>
#include <tuple>

#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::codex {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kZst = ".zst";

struct Candidate {
    SourceFile file;
    std::tuple<int, int, std::size_t> rank;  // (archived, compressed, root index): lowest wins
};

bool is_rollout_name(const std::string& name) {
    if (!name.starts_with("rollout-")) return false;
    return name.ends_with(".jsonl") || name.ends_with(".jsonl.zst");
}

bool is_hex_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

void collect(const fs::path& dir, int archived, std::size_t root_index,
             std::set<std::pair<std::uint64_t, std::uint64_t>>& seen, std::map<std::string, Candidate>& best) {
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec)) continue;
        const fs::path& p = it->path();
        const std::string name = p.filename().string();
        if (!is_rollout_name(name)) continue;
        auto st = stat_file(p);
        if (!st || !seen.insert({st->device, st->inode}).second) continue;  // symlinked or overlapping roots

        const bool compressed = name.ends_with(kZst);
        const std::string key = compressed ? name.substr(0, name.size() - kZst.size()) : name;
        Candidate c;
        c.file.path = p;
        c.file.stat = *st;
        c.file.kind = compressed ? "rollout-zst" : "rollout";
        c.file.session_hint = thread_id_from_name(key);
        if (c.file.session_hint.empty()) c.file.session_hint = key.substr(0, key.size() - 6);  // no id in the name
        // A .zst is rewritten whole, never appended: read it again on any change.
        c.file.mode = compressed ? ReadMode::snapshot : ReadMode::append_lines;
        c.rank = {archived, compressed ? 1 : 0, root_index};
        auto [slot, inserted] = best.try_emplace(key, c);
        if (!inserted && c.rank < slot->second.rank) slot->second = std::move(c);
    }
}

}  // namespace

std::vector<fs::path> codex_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dirs = ctx.env->list("CODEX_HOME")) {
        for (const auto& dir : *dirs) roots.emplace_back(dir);
    } else {
        roots.push_back(ctx.env->home() / ".codex");
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<SourceFile> discover_rollouts(const std::vector<fs::path>& roots) {
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // (device, inode)
    std::map<std::string, Candidate> best;                   // by file name without .zst
    for (std::size_t i = 0; i < roots.size(); ++i) {
        std::error_code ec;
        const bool sessions = fs::is_directory(roots[i] / "sessions", ec);
        const bool archived = fs::is_directory(roots[i] / "archived_sessions", ec);
        if (sessions) collect(roots[i] / "sessions", 0, i, seen, best);
        if (archived) collect(roots[i] / "archived_sessions", 1, i, seen, best);
        if (!sessions && !archived) collect(roots[i], 0, i, seen, best);
    }
    std::vector<SourceFile> out;
    out.reserve(best.size());
    for (auto& [key, c] : best) out.push_back(std::move(c.file));
    return out;
}

std::string thread_id_from_name(const std::string& file_name) {
    std::string_view stem = file_name;
    if (stem.ends_with(kZst)) stem.remove_suffix(kZst.size());
    if (stem.ends_with(".jsonl")) stem.remove_suffix(6);
    if (stem.size() < 36) return {};
    std::string_view tail = stem.substr(stem.size() - 36);
    return is_hex_uuid(tail) ? std::string(tail) : std::string();
}

}  // namespace usage::plugins::codex
