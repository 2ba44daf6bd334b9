#include "copilot_discovery.hpp"

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "copilot_event.hpp"
#include "usage/os/unique_fd.hpp"
#include "usage/scan/file_cursor.hpp"

namespace usage::plugins::copilot {
namespace fs = std::filesystem;

namespace {

using Seen = std::set<std::pair<std::uint64_t, std::uint64_t>>;  // (device, inode)

void add(const fs::path& p, std::string_view kind, std::string session, ReadMode mode, std::optional<FileStat> st,
         Seen& seen, std::vector<SourceFile>& out) {
    if (!st || !seen.insert({st->device, st->inode}).second) return;
    SourceFile f;
    f.path = p;
    f.kind = kind;
    f.session_hint = std::move(session);
    f.stat = *st;
    f.mode = mode;
    out.push_back(std::move(f));
}

bool regular(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

void add_database(const fs::path& root, Seen& seen, std::vector<SourceFile>& out) {
    const fs::path db = root / "session-store.db";
    if (!regular(db)) return;
    // Rows often sit only in the -wal (Copilot checkpoints rarely).
    auto st = stat_sqlite_database(db);
    add(db, kKindDatabase, {}, ReadMode::snapshot, st, seen, out);
}

void add_sessions(const fs::path& root, Seen& seen, std::vector<SourceFile>& out) {
    std::error_code ec;
    for (fs::directory_iterator it(root / "session-state", ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code dir_ec;
        if (!it->is_directory(dir_ec)) continue;
        const fs::path events = it->path() / "events.jsonl";
        if (!regular(events)) continue;
        add(events, kKindEvents, it->path().filename().string(), ReadMode::append_lines, stat_file(events), seen, out);
    }
}

void add_otel(const fs::path& dir, bool sniff, Seen& seen, std::vector<SourceFile>& out) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        std::error_code type_ec;
        if (p.extension() != ".jsonl" || !it->is_regular_file(type_ec)) continue;
        if (sniff && !looks_like_otel_export(p)) continue;
        add(p, kKindOtel, {}, ReadMode::append_lines, stat_file(p), seen, out);
    }
}

}  // namespace

bool looks_like_otel_export(const fs::path& path) {
    try {
        UniqueFd fd = open_read_only(path);
        char buf[32] = {};
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n <= 0) return false;
        std::string_view head(buf, static_cast<std::size_t>(n));
        return head.starts_with(R"({"type":"span")") || head.starts_with(R"({"type":"metric")") ||
               head.starts_with(R"({"type":"log")");
    } catch (const std::runtime_error&) {
        return false;  // gone, unreadable or not a regular file: not ours
    }
}

std::vector<fs::path> copilot_roots(const DiscoveryContext& ctx) {
    std::vector<fs::path> roots;
    if (auto dirs = ctx.env->list("COPILOT_HOME")) {
        for (const auto& dir : *dirs) roots.emplace_back(dir);
    } else {
        roots.push_back(ctx.env->home() / ".copilot");
        if (auto xdg = ctx.env->get("XDG_CONFIG_HOME"); xdg && !xdg->empty())
            roots.push_back(fs::path(*xdg) / ".copilot");
    }
    if (auto file = ctx.env->get("COPILOT_OTEL_FILE_EXPORTER_PATH"); file && !file->empty()) {
        const fs::path parent = fs::path(*file).parent_path();
        roots.push_back(parent.empty() ? fs::path(".") : parent);
    }
    for (const auto& extra : ctx.extra_paths) roots.push_back(extra);
    return roots;
}

std::vector<SourceFile> discover_copilot_files(const std::vector<fs::path>& roots) {
    std::vector<SourceFile> out;
    Seen seen;
    for (const auto& root : roots) {
        add_database(root, seen, out);
        add_sessions(root, seen, out);
        add_otel(root / "otel", false, seen, out);
        add_otel(root, true, seen, out);
    }
    return out;
}

}  // namespace usage::plugins::copilot
