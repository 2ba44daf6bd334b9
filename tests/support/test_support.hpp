// Test helpers: temporary directories, file writing, and running the real
// usage-agent binary with a controlled environment.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace testing {

/// A fresh directory under $TMPDIR (or `under`), removed on destruction.
class TempDir {
public:
    TempDir();
    explicit TempDir(const std::filesystem::path& under);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& content);
void append_file(const std::filesystem::path& path, const std::string& content);
std::string read_file(const std::filesystem::path& path);

/// Project fixtures: <source>/tests/fixtures or tests/fixtures.
std::filesystem::path source_dir();
/// ../shared next to the checkout. When absent: fails the test if
/// USAGE_REQUIRE_SHARED is set (CI, where it must be there), else prints the
/// skip marker ctest reports as "Skipped" and returns nullopt; `what` names
/// what goes unchecked.
std::optional<std::filesystem::path> shared_dir(const std::string& what);

/// A case that cannot run here, for `why`: fails it when the environment
/// variable `required_by` is set (CI, where it must run; nullptr: never),
/// else prints the skip marker ctest reports as "Skipped".
void skip_unless_required(const char* required_by, const std::string& why);

/// Whether `s` has the shape `shape`, character by character: 'd' is any
/// digit, 'h' a lowercase hex digit, anything else itself. (std::regex trips
/// GCC 12's -Wmaybe-uninitialized in the sanitizer build.)
bool has_shape(std::string_view s, std::string_view shape);

/// `t` as the transcripts write it, in UTC to the second: `2026-01-10T10:00:00.000Z`.
std::string iso_utc(std::chrono::system_clock::time_point t);

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// What execve needs to start `argv` (absolute program path first) with
/// exactly `env` (plus a default PATH): the strings and the null-terminated
/// pointer arrays into them. Not movable, so the pointers stay valid; build it
/// before fork.
class Exec {
public:
    Exec(std::vector<std::string> argv, const std::map<std::string, std::string>& env);
    Exec(const Exec&) = delete;
    Exec& operator=(const Exec&) = delete;
    [[nodiscard]] const char* path() const { return argv_strings_.front().c_str(); }
    [[nodiscard]] char* const* argv() { return argv_.data(); }
    [[nodiscard]] char* const* envp() { return envp_.data(); }

private:
    std::vector<std::string> argv_strings_, env_strings_;
    std::vector<char*> argv_, envp_;
};

/// An Exec of usage-agent with `args`.
class AgentExec : public Exec {
public:
    /// `wrapper`, when given, is a command (absolute path first) that execs
    /// the agent it gets as its next argument, e.g. to start it in a user
    /// namespace with lower limits.
    AgentExec(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
              const std::vector<std::string>& wrapper = {});
};

/// Runs in the forked child just before execve, e.g. to drop privileges: only
/// async-signal-safe calls (the parent may have threads). False abandons the
/// exec (the child exits 126).
using ChildSetup = std::function<bool()>;

/// Run `argv` (absolute program path first) with exactly `env` (plus PATH),
/// stdin from /dev/null; waits for it and returns what it printed.
RunResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                      const ChildSetup& in_child = {});

/// Run usage-agent with exactly `env` as its environment (plus PATH).
RunResult run_agent(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

/// A HOME + state dir pair for driving the binary.
struct AgentHome {
    TempDir dir;
    std::map<std::string, std::string> env;
    AgentHome();
    RunResult run(std::vector<std::string> args) const;
    /// `sync --once --json` (+ extra args), which must succeed: the stats entry of `source`.
    [[nodiscard]] nlohmann::json sync_stats(const std::string& source, std::vector<std::string> extra = {}) const;
    struct SyncRun {
        nlohmann::json stats;  ///< the stats entry of the source
        std::string err;       ///< everything on stderr (the warnings)
    };
    /// sync_stats() with what the sync wrote to stderr.
    [[nodiscard]] SyncRun sync_run(const std::string& source, std::vector<std::string> extra = {}) const;
    /// `report VIEW --json` parsed (adds --no-scan unless scan is true).
    nlohmann::json report(const std::string& view, std::vector<std::string> extra = {}, bool scan = false) const;
};

/// `argv` (absolute program path first) running in the background with
/// exactly `env`, its stderr in a file (nobody has to drain it); optionally
/// its stdout in a pipe. The destructor stops it (SIGTERM, then SIGKILL after
/// 10 s).
class Process {
public:
    Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            bool pipe_stdout = false, const ChildSetup& in_child = {});
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    [[nodiscard]] int pid() const { return pid_; }
    /// The read end of its stdout (pipe_stdout), else -1.
    [[nodiscard]] int stdout_fd() const { return stdout_fd_; }
    void signal(int sig) const;
    /// Wait for it to exit (SIGKILL after `limit`); its exit code, 128 +
    /// signal when a signal ended it. Later calls return the same code.
    int wait(std::chrono::milliseconds limit = std::chrono::seconds(10));
    /// SIGTERM, then wait().
    int stop();
    [[nodiscard]] bool running() const { return pid_ > 0; }
    /// Whether it has exited by now, without waiting (reaps it: wait() then
    /// returns its code at once).
    bool exited();
    /// Everything it wrote to stderr so far.
    [[nodiscard]] std::string err() const;
    /// Wait until its stderr holds `needle` (true) or `limit` passes (false).
    bool wait_for_err(const std::string& needle, std::chrono::milliseconds limit = std::chrono::seconds(30)) const;

private:
    TempDir logs_;
    int pid_ = -1;
    int stdout_fd_ = -1;
    int exit_code_ = -1;
};

/// usage-agent ARGS as a Process.
class AgentProcess : public Process {
public:
    AgentProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                 bool pipe_stdout = false, const std::vector<std::string>& wrapper = {});
};

/// `usage-agent serve --listen 127.0.0.1:0 ARGS...` running for one test
/// with a home's environment. The port comes from its first stdout line
/// ("listening on http://127.0.0.1:PORT"); the destructor stops it (SIGTERM,
/// then SIGKILL after 10 s). Throws when it exits before listening.
class ServeProcess {
public:
    /// `listen`: ADDR:PORT to bind (a fixed port lets a test restart it in place).
    explicit ServeProcess(const AgentHome& home, const std::vector<std::string>& args = {},
                          const std::string& listen = "127.0.0.1:0");
    ~ServeProcess();
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    [[nodiscard]] int port() const { return port_; }
    /// `http://127.0.0.1:PORT` + path (`https://` when it serves TLS).
    [[nodiscard]] std::string url(const std::string& path) const;
    /// SIGTERM and wait; the exit code (128 + signal when it had to be killed).
    int stop();
    /// Send a signal without waiting.
    void signal(int sig) const;
    /// Wait for the process to exit by itself (SIGKILL after 10 s); its exit code.
    int wait();
    /// Everything it wrote to stderr so far.
    [[nodiscard]] std::string err() const;

private:
    AgentProcess proc_;
    std::string scheme_ = "http";
    int port_ = 0;
};

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks (no clash with
/// another test's); returns its descriptor and sets `port`.
int bind_loopback(int& port);

/// A minimal HTTP/1.1 server on 127.0.0.1 (port 0: the kernel picks it, no
/// race), one request per connection, for what the real `serve` never does:
/// answer as scripted (413 to a batch it could hold, a price file), or not
/// at all. It records every request it read.
class LoopbackHttpServer {
public:
    /// What it does with a request once read.
    enum class Mode {
        reply,  ///< the next reply of the script, then close the connection
        hold,   ///< nothing: the connection stays open, unanswered, until the server goes
        reset,  ///< close with a TCP reset (RST) instead of an answer
    };
    struct Reply {
        int status = 200;
        std::string body;
        std::vector<std::string> headers;  ///< extra "Name: value" lines
    };
    struct Request {
        std::string head;  ///< request line and headers
        std::string body;  ///< as received (still gzip-compressed if it was)
        std::chrono::steady_clock::time_point at;
    };
    LoopbackHttpServer(int status, std::string body);
    explicit LoopbackHttpServer(std::vector<Reply> script);
    /// On this port of 127.0.0.1: a receiver that comes back where it was
    /// down (a port from bind_loopback, closed since).
    LoopbackHttpServer(std::vector<Reply> script, int port);
    explicit LoopbackHttpServer(Mode mode);
    ~LoopbackHttpServer();
    LoopbackHttpServer(const LoopbackHttpServer&) = delete;
    LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;
    [[nodiscard]] std::string url(const std::string& path) const;
    [[nodiscard]] int requests() const { return requests_; }
    [[nodiscard]] std::vector<Request> received() const;
    /// Replace the script (e.g. once a token is fixed).
    void set_script(std::vector<Reply> script);

private:
    Mode mode_ = Mode::reply;
    int listen_fd_ = -1;
    int port_ = 0;
    std::vector<int> held_;  ///< Mode::hold connections (serve thread only)
    mutable std::mutex mu_;
    std::vector<Reply> script_;
    std::size_t next_reply_ = 0;
    std::vector<Request> received_;
    std::atomic<int> requests_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    void serve();
};

/// Poll `done` every 20 ms until it holds (true) or `limit` passes (false):
/// for what another process does at its own pace.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::milliseconds(30000));

}  // namespace testing
