// usage/os/durable_replace.hpp — put a fully written file in place of another
// so that a crash or power cut leaves either the old file or the whole new
// one: never a name that points at an empty or partial file, which a rename
// alone allows (the data and the rename reach the disk in either order).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "usage/os/unique_fd.hpp"

namespace usage {

/// fsync(2) the file or directory `path`. Throws std::runtime_error
/// "PATH: cannot flush to disk: REASON".
inline void flush_to_disk(const std::filesystem::path& path) {
    std::error_code ec;
    const int flags = O_RDONLY | O_CLOEXEC | (std::filesystem::is_directory(path, ec) ? O_DIRECTORY : 0);
    UniqueFd fd(::open(path.c_str(), flags));
    if (!fd.valid() || ::fsync(fd.get()) != 0)
        throw std::runtime_error(path.string() + ": cannot flush to disk: " + std::strerror(errno));
}

/// Flush `written` (closed, complete), rename it to `target` and flush the
/// folder that holds the new name. Throws std::runtime_error naming the file.
inline void replace_durably(const std::filesystem::path& written, const std::filesystem::path& target) {
    flush_to_disk(written);
    if (std::rename(written.c_str(), target.c_str()) != 0)
        throw std::runtime_error(target.string() + ": cannot write: " + std::strerror(errno));
    flush_to_disk(target.has_parent_path() ? target.parent_path() : std::filesystem::path("."));
}

}  // namespace usage
