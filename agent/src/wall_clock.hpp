// The time now as the store and the state files keep it: UTC milliseconds
// since the epoch. One home for what each command computed in place.
#pragma once

#include <chrono>
#include <cstdint>

namespace agent {

inline std::int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace agent
