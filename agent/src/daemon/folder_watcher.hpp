// Linux inotify on folder trees, driven by the agent's Asio loop. Watches
// are per directory and not recursive, so every subfolder gets its own, and a
// folder created later (a new Claude project, a Codex day folder) is watched
// as soon as it appears and reported as a change, since files may have been
// written into it before its watch existed. Files are never watched one by
// one: a directory's watch reports writes, renames and deletions inside it.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace agent {

class FolderWatcher {
public:
    /// `on_change(tag)`: something changed below a tree added with that tag.
    /// `on_overflow()`: the kernel dropped events; everything must be rescanned.
    /// `use_inotify` false: never available() (the agent polls).
    FolderWatcher(boost::asio::io_context& io, bool use_inotify, std::function<void(std::size_t)> on_change,
                  std::function<void()> on_overflow);
    FolderWatcher(const FolderWatcher&) = delete;
    FolderWatcher& operator=(const FolderWatcher&) = delete;

    /// False when inotify is not available at all (then nothing is watched).
    [[nodiscard]] bool available() const { return available_; }

    enum class Added {
        watched,        ///< the tree (or what of it exists) is watched
        missing,        ///< the root does not exist (yet)
        out_of_watches  ///< the kernel's limit (fs.inotify.max_user_watches) was hit: poll this tree
    };
    /// Watch `root` and every folder below it. Idempotent.
    Added watch_tree(const std::filesystem::path& root, std::size_t tag);
    /// Whether `root` itself has a watch.
    [[nodiscard]] bool watching(const std::filesystem::path& root) const;
    [[nodiscard]] std::size_t watch_count() const { return by_wd_.size(); }
    /// The kernel refused a watch for lack of room (ENOSPC) since the last clear().
    [[nodiscard]] bool exhausted() const { return exhausted_; }
    /// Remove every watch (on a config reload, before the new roots are added).
    void clear();

private:
    struct Watched {
        std::filesystem::path path;
        std::size_t tag = 0;
    };
    boost::asio::posix::stream_descriptor fd_;
    bool available_ = false;
    bool exhausted_ = false;
    std::function<void(std::size_t)> on_change_;
    std::function<void()> on_overflow_;
    std::map<int, Watched> by_wd_;
    std::map<std::filesystem::path, int> by_path_;
    std::array<char, 64 * 1024> buffer_{};

    /// inotify_add_watch; nullopt on ENOSPC, -1 on other failures.
    std::optional<int> add_one(const std::filesystem::path& dir, std::size_t tag);
    void read_next();
    void handle(const char* data, std::size_t size);
};

}  // namespace agent
