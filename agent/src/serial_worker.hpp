// One thread that runs posted jobs in order: `run` gives the scan and the
// push one each, so neither blocks the agent's event loop or the other (a
// slow endpoint never delays a scan); `serve` runs every ingest on one, the
// store's one writer. Jobs that touch the store keep their own connection on
// their thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace agent {

class SerialWorker {
public:
    SerialWorker();
    ~SerialWorker();  ///< finishes the running job, drops the queued ones
    SerialWorker(const SerialWorker&) = delete;
    SerialWorker& operator=(const SerialWorker&) = delete;

    void post(std::function<void()> job);
    /// Drop queued jobs and wait up to `limit` for the running one; whether it finished.
    bool finish_within(std::chrono::milliseconds limit);

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool busy_ = false;
    bool stopping_ = false;
    std::thread thread_;
    void loop();
};

}  // namespace agent
