#include "folder_import_loop.hpp"

#include <boost/asio/post.hpp>
#include <csignal>
#include <iostream>

#include "../terminal_text.hpp"

namespace agent::serve {
namespace {

// A push writes a temporary file, links it and removes the temporary: one
// import after the burst, not one per inotify event.
constexpr std::chrono::milliseconds kSettle{300};

}  // namespace

FolderImportLoop::FolderImportLoop(boost::asio::io_context& io,
                                   std::function<std::unique_ptr<usage::Store>()> open_store,
                                   std::filesystem::path folder, std::chrono::seconds rescan)
    : io_(io),
      open_store_(std::move(open_store)),
      folder_(std::move(folder)),
      rescan_(rescan),
      rescan_timer_(io),
      settle_timer_(io),
      signals_(io, SIGINT, SIGTERM) {}

void FolderImportLoop::start() {
    watcher_ = std::make_unique<FolderWatcher>(
        io_, true, [this](std::size_t) { on_change(); }, [this] { on_change(); });
    if (watcher_->watch_tree(folder_, 0) != FolderWatcher::Added::watched)
        std::cerr << "usage-agent serve: " << escape_terminal_text(folder_.string())
                  << ": not watched (inotify unavailable or out of watches); imported every " << rescan_.count()
                  << " s\n";
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec) stop();
    });
    request();
    arm_rescan();
}

void FolderImportLoop::stop() {
    stopped_ = true;
    rescan_timer_.cancel();
    settle_timer_.cancel();
    watcher_.reset();  // its pending read ends as aborted: io.run() can return
}

void FolderImportLoop::on_change() {
    if (stopped_ || settling_) return;
    settling_ = true;
    settle_timer_.expires_after(kSettle);
    settle_timer_.async_wait([this](const boost::system::error_code& ec) {
        settling_ = false;
        if (!ec) request();
    });
}

void FolderImportLoop::arm_rescan() {
    rescan_timer_.expires_after(rescan_);
    rescan_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        // Machine folders created since, on a file system inotify missed them on.
        if (watcher_) watcher_->watch_tree(folder_, 0);
        request();
        arm_rescan();
    });
}

void FolderImportLoop::request() {
    if (stopped_) return;
    if (running_) {
        again_ = true;
        return;
    }
    running_ = true;
    again_ = false;
    worker_.post([this] {
        usage::sync::FolderImportStats stats;
        std::string error;
        try {
            if (!store_) store_ = open_store_();
            stats = usage::sync::import_folder(*store_, folder_);
        } catch (const std::exception& e) {
            error = e.what();
        }
        boost::asio::post(io_, [this, stats = std::move(stats), error] { done(stats, error); });
    });
}

void FolderImportLoop::done(const usage::sync::FolderImportStats& stats, const std::string& error) {
    running_ = false;
    // A damaged segment is tried again at every import: say so once, not
    // every time.
    std::set<std::string> warnings(stats.warnings.begin(), stats.warnings.end());
    if (!error.empty()) warnings.insert(error);
    for (const auto& w : warnings)
        if (!last_warnings_.contains(w)) std::cerr << "usage-agent serve: warning: " << escape_terminal_text(w) << "\n";
    last_warnings_ = std::move(warnings);
    if (stats.segments_read > 0)
        std::cerr << "usage-agent serve: imported " << stats.segments_read
                  << (stats.segments_read == 1 ? " segment" : " segments") << " from "
                  << escape_terminal_text(folder_.string()) << ": " << stats.events_new << " new, "
                  << stats.events_updated << " updated, " << stats.events_unchanged << " unchanged rows\n";
    if (again_) request();
}

}  // namespace agent::serve
