// OpenCode sessions: which session a subagent session folds into, and which
// folder a session ran in. Read from the database's `session`/`project`
// tables or from the legacy `storage/session` and `storage/project` files.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>

#include "opencode_message.hpp"

namespace usage::plugins::opencode {

/// Sessions by id, each with its parent link and folder.
class SessionTree {
public:
    void add(std::string id, std::string parent, std::string directory);
    [[nodiscard]] bool contains(const std::string& id) const { return nodes_.contains(id); }
    [[nodiscard]] const std::string* parent_of(const std::string& id) const;
    /// Follows parent links to the top. A parent that is not in the tree
    /// (deleted, or not loaded) is taken as the root; a cycle stops the walk.
    [[nodiscard]] SessionPlace place(const std::string& session_id) const;

private:
    struct Node {
        std::string parent;
        std::string directory;
    };
    std::unordered_map<std::string, Node> nodes_;
};

/// The place of a session of the legacy tree under `storage` (the
/// `storage/` folder): reads `session/<project>/<id>.json` and its parents
/// (same project folder first, then any), and `project/<project>.json` for
/// the worktree when the session names no directory. Missing or unreadable
/// files leave the session where it is (its own root, no folder).
SessionPlace legacy_session_place(const std::filesystem::path& storage, const std::string& project_id,
                                  const std::string& session_id);

}  // namespace usage::plugins::opencode
