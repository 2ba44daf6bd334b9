#include "folder_watcher.hpp"

#ifdef __linux__
#include <sys/inotify.h>
#endif
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <cerrno>
#include <cstring>
#include <system_error>

// inotify is Linux's: elsewhere (macOS for now) the watcher is never
// available() and the agent polls.
namespace agent {
namespace {

#ifdef __linux__
// Writes (a transcript line appended), a file written and closed, a file
// renamed into place (editors, atomic writers), creations and deletions.
constexpr std::uint32_t kMask =
    IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR;
#endif

}  // namespace

FolderWatcher::FolderWatcher(boost::asio::io_context& io, bool use_inotify, std::function<void(std::size_t)> on_change,
                             std::function<void()> on_overflow)
    : fd_(io), on_change_(std::move(on_change)), on_overflow_(std::move(on_overflow)) {
#ifdef __linux__
    if (!use_inotify) return;
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return;
    fd_.assign(fd);  // owned (and closed) by the descriptor from here on
    available_ = true;
    read_next();
#else
    (void)use_inotify;
#endif
}

std::optional<int> FolderWatcher::add_one(const std::filesystem::path& dir, std::size_t tag) {
    if (auto it = by_path_.find(dir); it != by_path_.end()) return it->second;
#ifndef __linux__
    (void)tag;
    return std::nullopt;
#else
    const int wd = ::inotify_add_watch(fd_.native_handle(), dir.c_str(), kMask);
    if (wd < 0) {
        if (errno == ENOSPC) {
            exhausted_ = true;
            return std::nullopt;
        }
        return -1;  // vanished, unreadable or not a folder: the rescans still cover it
    }
    by_wd_[wd] = {dir, tag};
    by_path_[dir] = wd;
    return wd;
#endif
}

FolderWatcher::Added FolderWatcher::watch_tree(const std::filesystem::path& root, std::size_t tag) {
    if (!available_) return Added::out_of_watches;
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) return Added::missing;
    if (!add_one(root, tag)) return Added::out_of_watches;
    std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied,
                                                     ec);
    for (const std::filesystem::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_symlink(type_ec) || !it->is_directory(type_ec)) continue;
        if (!add_one(it->path(), tag)) return Added::out_of_watches;
    }
    return Added::watched;
}

bool FolderWatcher::watching(const std::filesystem::path& root) const {
    return by_path_.contains(root);
}

void FolderWatcher::clear() {
#ifdef __linux__
    for (const auto& [wd, w] : by_wd_) ::inotify_rm_watch(fd_.native_handle(), wd);
#endif
    by_wd_.clear();
    by_path_.clear();
    exhausted_ = false;
}

void FolderWatcher::read_next() {
    fd_.async_read_some(boost::asio::buffer(buffer_), [this](const boost::system::error_code& ec, std::size_t n) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec) handle(buffer_.data(), n);
        read_next();
    });
}

void FolderWatcher::handle(const char* data, std::size_t size) {
#ifdef __linux__
    std::set<std::size_t> changed;
    for (std::size_t at = 0; at + sizeof(inotify_event) <= size;) {
        inotify_event ev;
        std::memcpy(&ev, data + at, sizeof ev);  // the buffer is not aligned for the struct
        const char* name = data + at + sizeof(inotify_event);
        at += sizeof(inotify_event) + ev.len;
        if (ev.mask & IN_Q_OVERFLOW) {
            on_overflow_();
            continue;
        }
        auto it = by_wd_.find(ev.wd);
        if (it == by_wd_.end()) continue;
        const Watched w = it->second;
        if (ev.mask & (IN_IGNORED | IN_DELETE_SELF)) {
            by_path_.erase(w.path);
            by_wd_.erase(it);
            continue;
        }
        if ((ev.mask & IN_ISDIR) && (ev.mask & (IN_CREATE | IN_MOVED_TO)) && ev.len > 0)
            watch_tree(w.path / std::string(name), w.tag);
        changed.insert(w.tag);
    }
    for (const std::size_t tag : changed) on_change_(tag);
#else
    (void)data;
    (void)size;
#endif
}

}  // namespace agent
