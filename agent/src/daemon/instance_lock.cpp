#include "instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "usage/os/wall_clock.hpp"

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
    fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd_.valid()) throw std::runtime_error(path.string() + ": " + std::strerror(errno));
    if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const auto h = read_holder(fd_.get());
        fd_.reset();
        if (err == EWOULDBLOCK)
            throw std::runtime_error("another `usage-agent run` (pid " + (h ? std::to_string(h->pid) : "unknown") +
                                     ") already runs on " + state_dir.string() + " (lock " + path.string() + ")");
        throw std::runtime_error(path.string() + ": cannot lock: " + std::strerror(err));
    }
    const std::string text = std::to_string(::getpid()) + " " + std::to_string(usage::unix_now_ms()) + "\n";
    if (::ftruncate(fd_.get(), 0) != 0 ||
        ::pwrite(fd_.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        const int err = errno;
        fd_.reset();
        throw std::runtime_error(path.string() + ": " + std::strerror(err));
    }
}

// Closing fd_ releases the flock; the file stays (no race on unlink).
InstanceLock::~InstanceLock() = default;

std::optional<InstanceLock::Holder> InstanceLock::holder(const std::filesystem::path& state_dir) {
    const usage::UniqueFd fd(::open(file(state_dir).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return std::nullopt;
    std::optional<Holder> h;
    // A shared lock we can take means no exclusive holder.
    if (::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) h = read_holder(fd.get());
    return h;
}

}  // namespace agent
