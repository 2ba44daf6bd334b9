// One `usage-agent run` per state dir. The lock is an flock on
// `<state>/run.lock`, which the kernel drops when the process dies however it
// dies, so a crash never leaves a stale lock; the file holds the holder's pid
// and start time for the refusal message and for `status`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>

#include "usage/os/unique_fd.hpp"

namespace agent {

class InstanceLock {
public:
    /// Take the lock or throw std::runtime_error naming the pid that holds it.
    explicit InstanceLock(const std::filesystem::path& state_dir);
    ~InstanceLock();
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

    struct Holder {
        pid_t pid = 0;
        std::int64_t started_ms = 0;  ///< UTC, milliseconds since the epoch
    };
    /// Who runs on `state_dir` now, or nullopt when nobody holds the lock.
    static std::optional<Holder> holder(const std::filesystem::path& state_dir);

    static std::filesystem::path file(const std::filesystem::path& state_dir) { return state_dir / "run.lock"; }

private:
    usage::UniqueFd fd_;
};

}  // namespace agent
