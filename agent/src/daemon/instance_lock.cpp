#include "instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../wall_clock.hpp"

namespace agent {
namespace {

std::optional<InstanceLock::Holder> read_holder(int fd) {
    char buf[64] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return std::nullopt;
    InstanceLock::Holder h;
    long long pid = 0, started = 0;
    if (std::sscanf(buf, "%lld %lld", &pid, &started) < 1) return std::nullopt;
    h.pid = static_cast<pid_t>(pid);
    h.started_ms = started;
    return h;
}

}  // namespace

InstanceLock::InstanceLock(const std::filesystem::path& state_dir) {
    std::filesystem::create_directories(state_dir);
    const auto path = file(state_dir);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error(path.string() + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const auto h = read_holder(fd_);
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw std::runtime_error("another `usage-agent run` (pid " + (h ? std::to_string(h->pid) : "unknown") +
                                     ") already runs on " + state_dir.string() + " (lock " + path.string() + ")");
        throw std::runtime_error(path.string() + ": cannot lock: " + std::strerror(err));
    }
    const std::string text = std::to_string(::getpid()) + " " + std::to_string(unix_now_ms()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        const int err = errno;
        ::close(fd_);
        throw std::runtime_error(path.string() + ": " + std::strerror(err));
    }
}

InstanceLock::~InstanceLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock; the file stays (no race on unlink)
}

std::optional<InstanceLock::Holder> InstanceLock::holder(const std::filesystem::path& state_dir) {
    const int fd = ::open(file(state_dir).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::optional<Holder> h;
    // A shared lock we can take means no exclusive holder.
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) h = read_holder(fd);
    ::close(fd);
    return h;
}

}  // namespace agent
