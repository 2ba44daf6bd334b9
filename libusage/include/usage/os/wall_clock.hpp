// usage/os/wall_clock.hpp — the time now as the store, the protocol and the
// state files keep it: UTC milliseconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace usage {

inline std::int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace usage
