// usage/os/unique_fd.hpp — a POSIX file descriptor closed by its owner's
// destructor, so every early return and exception closes it. The one fd
// handle of the project (readers, plugins, the agent's lock and services).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace usage {

class UniqueFd {
public:
    explicit UniqueFd(int fd = -1) noexcept : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
    /// Give up ownership without closing.
    [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

/// Open the regular file `path` read-only (close-on-exec). Throws
/// std::runtime_error "PATH: cannot open: REASON", or "PATH: not a regular
/// file (a FIFO)" for anything else: discovery lists regular files only, but
/// one can be swapped for a FIFO before it is opened, and a blocking open of
/// a FIFO with no writer would hang the scan. So the open never blocks
/// (O_NONBLOCK, cleared again for the reads) and the type is checked on the
/// descriptor itself. `stat_out`, when given, receives that fstat(2).
inline UniqueFd open_read_only(const std::filesystem::path& path, struct stat* stat_out = nullptr) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd.valid()) throw std::runtime_error(path.string() + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw std::runtime_error(path.string() + ": cannot open: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) {
        const char* kind = S_ISFIFO(st.st_mode)                         ? "a FIFO"
                           : S_ISSOCK(st.st_mode)                       ? "a socket"
                           : S_ISDIR(st.st_mode)                        ? "a directory"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                        : "not a file";
        throw std::runtime_error(path.string() + ": not a regular file (" + kind + ")");
    }
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    if (stat_out) *stat_out = st;
    return fd;
}

}  // namespace usage
