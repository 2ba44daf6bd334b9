#include "opencode_sessions.hpp"

#include <simdjson.h>

#include <optional>
#include <string_view>

namespace usage::plugins::opencode {
namespace fs = std::filesystem;
namespace od = simdjson::ondemand;

namespace {

// Subagents nest a few levels at most; the bound only guards against cycles
// in damaged data.
constexpr int kMaxDepth = 64;

struct LegacySession {
    std::string project_id;
    std::string parent;
    std::string directory;
};

// The top-level string fields of a small JSON object, by name.
template <typename Visit>
bool read_object_strings(od::parser& parser, const fs::path& file, Visit visit) {
    simdjson::padded_string text;
    if (simdjson::padded_string::load(file.string()).get(text) != simdjson::SUCCESS) return false;
    od::document doc;
    od::object obj;
    if (parser.iterate(text).get(doc) != simdjson::SUCCESS || doc.get_object().get(obj) != simdjson::SUCCESS)
        return false;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        std::string_view value;
        if (field.value().get_string().get(value) == simdjson::SUCCESS) visit(key, value);
    }
    return true;
}

std::optional<LegacySession> read_session(od::parser& parser, const fs::path& file) {
    LegacySession s;
    bool ok = read_object_strings(parser, file, [&](std::string_view key, std::string_view value) {
        if (key == "projectID")
            s.project_id.assign(value);
        else if (key == "parentID")
            s.parent.assign(value);
        else if (key == "directory")
            s.directory.assign(value);
    });
    if (!ok) return std::nullopt;
    return s;
}

// `session/<project>/<id>.json`, looking in every project folder when the
// project is unknown or the file is not where it was expected.
std::optional<LegacySession> find_session(od::parser& parser, const fs::path& storage, const std::string& project_id,
                                          const std::string& id) {
    const fs::path sessions = storage / "session";
    const std::string name = id + ".json";
    std::error_code ec;
    if (!project_id.empty() && fs::is_regular_file(sessions / project_id / name, ec))
        return read_session(parser, sessions / project_id / name);
    for (fs::directory_iterator it(sessions, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() == project_id) continue;
        if (fs::is_regular_file(it->path() / name, ec)) return read_session(parser, it->path() / name);
    }
    return std::nullopt;
}

std::string project_worktree(od::parser& parser, const fs::path& storage, const std::string& project_id) {
    std::string worktree;
    if (project_id.empty()) return worktree;
    read_object_strings(parser, storage / "project" / (project_id + ".json"),
                        [&](std::string_view key, std::string_view value) {
                            if (key == "worktree") worktree.assign(value);
                        });
    return worktree == "/" ? std::string() : worktree;
}

}  // namespace

void SessionTree::add(std::string id, std::string parent, std::string directory) {
    nodes_.insert_or_assign(std::move(id), Node{std::move(parent), std::move(directory)});
}

const std::string* SessionTree::parent_of(const std::string& id) const {
    auto it = nodes_.find(id);
    return it == nodes_.end() ? nullptr : &it->second.parent;
}

SessionPlace SessionTree::place(const std::string& session_id) const {
    SessionPlace p;
    p.root = session_id;
    auto it = nodes_.find(session_id);
    if (it == nodes_.end()) return p;
    p.parent = it->second.parent;
    p.directory = it->second.directory;
    for (int depth = 0; depth < kMaxDepth; ++depth) {
        const std::string* up = parent_of(p.root);
        if (up == nullptr || up->empty() || *up == session_id) break;
        p.root = *up;
    }
    return p;
}

SessionPlace legacy_session_place(const fs::path& storage, const std::string& project_id,
                                  const std::string& session_id) {
    od::parser parser;
    SessionTree tree;
    std::string own_project = project_id;
    std::string project = project_id;
    std::string id = session_id;
    for (int depth = 0; depth < kMaxDepth && !id.empty() && !tree.contains(id); ++depth) {
        auto s = find_session(parser, storage, project, id);
        if (!s) break;
        if (!s->project_id.empty()) project = s->project_id;
        if (depth == 0) own_project = project;
        std::string parent = s->parent;
        tree.add(std::move(id), std::move(s->parent), std::move(s->directory));
        id = std::move(parent);
    }
    SessionPlace place = tree.place(session_id);
    if (place.directory.empty()) place.directory = project_worktree(parser, storage, own_project);
    return place;
}

}  // namespace usage::plugins::opencode
