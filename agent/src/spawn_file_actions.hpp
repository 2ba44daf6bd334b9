// spawn_file_actions.hpp — posix_spawn's file actions as an RAII value: the
// service commands (systemctl, launchctl) and the budget command notifier
// both start children with posix_spawn, and the actions need a destroy call
// on every path out, exceptions included.
#pragma once

#include <spawn.h>

#include <stdexcept>

namespace agent {

class SpawnFileActions {
public:
    SpawnFileActions() {
        if (::posix_spawn_file_actions_init(&actions_) != 0) throw std::runtime_error("posix_spawn_file_actions_init");
    }
    ~SpawnFileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
    SpawnFileActions(const SpawnFileActions&) = delete;
    SpawnFileActions& operator=(const SpawnFileActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

private:
    posix_spawn_file_actions_t actions_{};
};

}  // namespace agent
