// `usage-agent run`: the per-machine agent. One Asio event loop owns the
// signals and timers; scans and pushes run on their own worker threads so
// neither blocks it nor the other. A change under a source's folders (inotify)
// is coalesced for a moment, scanned incrementally with the same engine and
// cursors as `sync`, and what was new is pushed at once; a safety rescan every
// sync.interval catches whatever a watch missed, and folders that cannot be
// watched are polled.
#pragma once

#include <memory>

#include "../app_context.hpp"
#include "run_log.hpp"

namespace agent {

struct RunOptions {
    /// > 0: no inotify; scan every source this often (network file systems,
    /// where inotify sees nothing).
    int poll_seconds = 0;
};

class RunLoop {
public:
    RunLoop(const GlobalOptions& globals, const RunLog& log, const RunOptions& options);
    ~RunLoop();
    RunLoop(const RunLoop&) = delete;
    RunLoop& operator=(const RunLoop&) = delete;

    /// Run until SIGTERM or SIGINT; the exit code.
    int run();

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace agent
