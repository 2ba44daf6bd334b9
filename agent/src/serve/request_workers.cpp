#include "request_workers.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <thread>

namespace agent::serve {

RequestWorkers::RequestWorkers(usage::Store& writer, OpenStore open_reader, unsigned read_threads)
    : writer_store_(writer),
      open_reader_(std::move(open_reader)),
      readers_(std::max(1U, read_threads)),
      concurrent_writes_(writer.concurrent_writers()) {}

RequestWorkers::~RequestWorkers() {
    readers_.join();
}

void RequestWorkers::write(std::function<void(usage::Store&)> job) {
    if (concurrent_writes_) return read(std::move(job));
    writer_.post([this, job = std::move(job)] { job(writer_store_); });
}

void RequestWorkers::read(std::function<void(usage::Store&)> job) {
    boost::asio::post(readers_, [this, job = std::move(job)] {
        // One connection per pool thread, opened on its first job and closed
        // when the pool's threads end. One RequestWorkers per process.
        thread_local std::unique_ptr<usage::Store> store;
        if (!store) store = open_reader_();
        job(*store);
    });
}

unsigned RequestWorkers::default_threads(const usage::Store& store) {
    if (store.concurrent_writers()) return 8;
    return std::clamp(std::thread::hardware_concurrency(), 2U, 8U);
}

}  // namespace agent::serve
