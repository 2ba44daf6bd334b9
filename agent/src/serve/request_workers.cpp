#include "request_workers.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <thread>

namespace agent::serve {

RequestWorkers::RequestWorkers(usage::Store& writer, OpenStore open_reader, unsigned read_threads)
    : writer_store_(writer), open_reader_(std::move(open_reader)), readers_(std::max(1U, read_threads)) {}

RequestWorkers::~RequestWorkers() {
    readers_.join();
}

void RequestWorkers::write(std::function<void(usage::Store&)> job) {
    writer_.post([this, job = std::move(job)] { job(writer_store_); });
}

void RequestWorkers::read(std::function<void(usage::Store&)> job) {
    boost::asio::post(readers_, [this, job = std::move(job)] {
        // One connection per read thread, opened on its first read and closed
        // when the pool's threads end. One RequestWorkers per process.
        thread_local std::unique_ptr<usage::Store> store;
        if (!store) store = open_reader_();
        job(*store);
    });
}

unsigned RequestWorkers::default_read_threads() {
    return std::clamp(std::thread::hardware_concurrency(), 2U, 8U);
}

}  // namespace agent::serve
