#include "open_browser.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace agent::serve {
namespace {

std::vector<std::string> browser_command(const std::string& url) {
    std::vector<std::string> argv;
    const char* configured = std::getenv("BROWSER");
    if (configured != nullptr && *configured != '\0') {
        std::string first(configured);
        first = first.substr(0, first.find(':'));
        std::istringstream words(first);
        bool placed = false;
        for (std::string w; words >> w;) {
            if (const auto at = w.find("%s"); at != std::string::npos) {
                w.replace(at, 2, url);
                placed = true;
            }
            argv.push_back(w);
        }
        if (!argv.empty() && !placed) argv.push_back(url);
        if (!argv.empty()) return argv;
    }
#ifdef __APPLE__
    return {"open", url};
#else
    return {"xdg-open", url};
#endif
}

}  // namespace

bool open_browser(const std::string& url) {
    const std::vector<std::string> args = browser_command(url);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // The browser may outlive serve: it must not hold serve's listening
    // socket or store files open (Asio's sockets are not close-on-exec).
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    // Reaped in the background: the browser (or xdg-open) may outlive us.
    std::thread([pid] {
        int status = 0;
        waitpid(pid, &status, 0);
    }).detach();
    return true;
}

}  // namespace agent::serve
