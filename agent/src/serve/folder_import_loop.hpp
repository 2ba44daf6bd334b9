// `serve --import-dir PATH`: keep the served store up to date with a shared
// sync folder (docs/folder-sync.md). The folder is imported at start, again
// shortly after inotify reports a change below it, and every `rescan` in any
// case: a network share or a sync tool writing from another machine may
// change files inotify never hears of. Imports run on their own thread with
// their own store connection, one at a time; changes during one make one
// more. SIGTERM/SIGINT stop it together with the server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "../daemon/folder_watcher.hpp"
#include "../serial_worker.hpp"
#include "usage/store/store.hpp"
#include "usage/sync/folder_import.hpp"

namespace agent::serve {

class FolderImportLoop {
public:
    FolderImportLoop(boost::asio::io_context& io, std::function<std::unique_ptr<usage::Store>()> open_store,
                     std::filesystem::path folder, std::chrono::seconds rescan);
    FolderImportLoop(const FolderImportLoop&) = delete;
    FolderImportLoop& operator=(const FolderImportLoop&) = delete;

    /// Import now, then on changes and every `rescan` until a signal stops it.
    void start();

private:
    boost::asio::io_context& io_;
    std::function<std::unique_ptr<usage::Store>()> open_store_;
    std::filesystem::path folder_;
    std::chrono::seconds rescan_;
    boost::asio::steady_timer rescan_timer_;
    boost::asio::steady_timer settle_timer_;
    boost::asio::signal_set signals_;
    std::unique_ptr<FolderWatcher> watcher_;
    std::unique_ptr<usage::Store> store_;  ///< opened and used on worker_'s thread only
    bool running_ = false;
    bool again_ = false;
    bool settling_ = false;
    bool stopped_ = false;
    std::set<std::string> last_warnings_;
    SerialWorker worker_;  ///< last: destroyed first, finishing its job while the rest still exists

    void on_change();
    void arm_rescan();
    void request();
    void done(const usage::sync::FolderImportStats& stats, const std::string& error);
    void stop();
};

}  // namespace agent::serve
