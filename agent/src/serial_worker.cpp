#include "serial_worker.hpp"

namespace agent {

SerialWorker::SerialWorker() : thread_([this] { loop(); }) {}

SerialWorker::~SerialWorker() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        jobs_.clear();
    }
    cv_.notify_all();
    thread_.join();
}

void SerialWorker::post(std::function<void()> job) {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
}

bool SerialWorker::finish_within(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    stopping_ = true;
    jobs_.clear();
    cv_.notify_all();
    return cv_.wait_for(lock, limit, [this] { return !busy_; });
}

void SerialWorker::loop() {
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, nothing left
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
        lock.unlock();
        job();
        lock.lock();
        busy_ = false;
        cv_.notify_all();
    }
}

}  // namespace agent
