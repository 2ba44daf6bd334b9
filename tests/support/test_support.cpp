#include "test_support.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace testing {
namespace fs = std::filesystem;

TempDir::TempDir() : TempDir(fs::temp_directory_path()) {}

TempDir::TempDir(const fs::path& under) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = under /
            ("usage-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

void append_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << content;
    if (!out) throw std::runtime_error("cannot append " + path.string());
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

fs::path source_dir() {
    return USAGE_SOURCE_DIR;
}

std::optional<fs::path> shared_dir(const std::string& what) {
    fs::path p = USAGE_SHARED_DIR;
    std::error_code ec;
    if (fs::is_directory(p / "fixtures", ec)) return p;
    const char* required = std::getenv("USAGE_REQUIRE_SHARED");
    if (required != nullptr && *required != '\0')
        FAIL("USAGE_REQUIRE_SHARED is set but " << p.string() << " has no fixtures/: " << what << " cannot be checked");
    // ctest turns this line into "Skipped" (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
    std::printf("USAGE_TEST_SKIPPED: ../shared absent, %s not checked\n", what.c_str());
    std::fflush(stdout);
    return std::nullopt;
}

void skip_unless_required(const char* required_by, const std::string& why) {
    const char* required = required_by != nullptr ? std::getenv(required_by) : nullptr;
    if (required != nullptr && *required != '\0') FAIL((std::string(required_by) + " is set but " + why));
    MESSAGE("skipped: " << why);
    // ctest turns this line into "Skipped" (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
    std::printf("USAGE_TEST_SKIPPED: %s\n", why.c_str());
    std::fflush(stdout);
}

std::string iso_utc(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return buf;
}

bool has_shape(std::string_view s, std::string_view shape) {
    if (s.size() != shape.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool digit = c >= '0' && c <= '9';
        const bool ok = shape[i] == 'd' ? digit : shape[i] == 'h' ? digit || (c >= 'a' && c <= 'f') : c == shape[i];
        if (!ok) return false;
    }
    return true;
}

Exec::Exec(std::vector<std::string> argv, const std::map<std::string, std::string>& env)
    : argv_strings_(std::move(argv)) {
    for (const auto& [k, v] : env) env_strings_.push_back(k + "=" + v);
    if (!env.contains("PATH")) env_strings_.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
    for (auto& e : env_strings_) envp_.push_back(e.data());
    envp_.push_back(nullptr);
    for (auto& a : argv_strings_) argv_.push_back(a.data());
    argv_.push_back(nullptr);
}

namespace {

std::vector<std::string> agent_argv(const std::vector<std::string>& args, const std::vector<std::string>& wrapper) {
    std::vector<std::string> argv = wrapper;
    argv.push_back(USAGE_AGENT_BIN);
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

}  // namespace

AgentExec::AgentExec(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                     const std::vector<std::string>& wrapper)
    : Exec(agent_argv(args, wrapper), env) {}

namespace {

std::string drain(int fd) {
    std::string out;
    std::array<char, 65536> buf{};
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n <= 0) break;
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

// Exec ARGV (program first) with exactly `env` (plus PATH) in a forked child;
// stdin is /dev/null, stdout/stderr go to the given descriptors.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int out_fd, int err_fd,
            const std::vector<int>& close_in_child, const ChildSetup& in_child = {}) {
    Exec exec(argv, env);

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        for (int fd : close_in_child) ::close(fd);
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        if (in_child && !in_child()) ::_exit(126);
        ::execve(exec.path(), exec.argv(), exec.envp());
        ::_exit(127);
    }
    return pid;
}

int exit_code(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

RunResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                      const ChildSetup& in_child) {
    int out_pipe[2], err_pipe[2];
    if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
    pid_t pid =
        spawn(argv, env, out_pipe[1], err_pipe[1], {out_pipe[0], err_pipe[0], out_pipe[1], err_pipe[1]}, in_child);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    RunResult r;
    std::thread err_reader([&] { r.err = drain(err_pipe[0]); });
    r.out = drain(out_pipe[0]);
    err_reader.join();
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = exit_code(status);
    return r;
}

RunResult run_agent(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    return run_command(agent_argv(args, {}), env);
}

Process::Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, bool pipe_stdout,
                 const ChildSetup& in_child) {
    int out_pipe[2] = {-1, -1};
    if (pipe_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const int err_fd = ::open((logs_ / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int null_fd = pipe_stdout ? -1 : ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    std::vector<int> close_in_child{err_fd};
    if (pipe_stdout)
        close_in_child.insert(close_in_child.end(), {out_pipe[0], out_pipe[1]});
    else
        close_in_child.push_back(null_fd);
    pid_ = spawn(argv, env, pipe_stdout ? out_pipe[1] : null_fd, err_fd, close_in_child, in_child);
    ::close(err_fd);
    if (pipe_stdout) {
        ::close(out_pipe[1]);
        stdout_fd_ = out_pipe[0];
    } else {
        ::close(null_fd);
    }
}

Process::~Process() {
    stop();
}

void Process::signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
}

int Process::stop() {
    signal(SIGTERM);
    return wait();
}

bool Process::exited() {
    if (pid_ <= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_code_ = exit_code(status);
    pid_ = -1;
    return true;
}

int Process::wait(std::chrono::milliseconds limit) {
    if (pid_ > 0) {
        int status = 0;
        bool exited = false;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!exited) {
            exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
            if (exited || std::chrono::steady_clock::now() >= deadline) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (!exited) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
        exit_code_ = exit_code(status);
        pid_ = -1;
    }
    if (stdout_fd_ >= 0) {
        ::close(stdout_fd_);
        stdout_fd_ = -1;
    }
    return exit_code_;
}

std::string Process::err() const {
    return read_file(logs_ / "stderr");
}

bool Process::wait_for_err(const std::string& needle, std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (err().find(needle) != std::string::npos) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

AgentProcess::AgentProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                           bool pipe_stdout, const std::vector<std::string>& wrapper)
    : Process(agent_argv(args, wrapper), env, pipe_stdout) {}

namespace {

std::vector<std::string> serve_args(const std::vector<std::string>& args, const std::string& listen) {
    std::vector<std::string> argv{"serve", "--listen", listen};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

}  // namespace

ServeProcess::ServeProcess(const AgentHome& home, const std::vector<std::string>& args, const std::string& listen)
    : proc_(serve_args(args, listen), home.env, true) {
    std::string line;
    while (line.find('\n') == std::string::npos) {
        pollfd p{proc_.stdout_fd(), POLLIN, 0};
        if (::poll(&p, 1, 60'000) <= 0) break;  // a sanitizer build starts slowly; a minute is plenty
        char buf[256];
        ssize_t n = ::read(proc_.stdout_fd(), buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<std::size_t>(n));
    }
    // "listening on http://127.0.0.1:PORT" (https with --tls-cert; any address).
    const bool tls = line.rfind("listening on https://", 0) == 0;
    const auto nl = line.find('\n');
    const auto colon = line.rfind(':', nl);
    if ((!tls && line.rfind("listening on http://", 0) != 0) || nl == std::string::npos || colon < 20) {
        const int code = stop();
        throw std::runtime_error("serve did not start (exit " + std::to_string(code) + "): stdout '" + line +
                                 "', stderr '" + err() + "'");
    }
    scheme_ = tls ? "https" : "http";
    port_ = std::stoi(line.substr(colon + 1));
}

ServeProcess::~ServeProcess() = default;

std::string ServeProcess::url(const std::string& path) const {
    return scheme_ + "://127.0.0.1:" + std::to_string(port_) + path;
}

int ServeProcess::stop() {
    return proc_.stop();
}

int ServeProcess::wait() {
    return proc_.wait();
}

void ServeProcess::signal(int sig) const {
    proc_.signal(sig);
}

std::string ServeProcess::err() const {
    return proc_.err();
}

AgentHome::AgentHome() {
    fs::create_directories(dir / "home");
    env["HOME"] = (dir / "home").string();
    env["USAGE_AGENT_STATE_DIR"] = (dir / "state").string();
    env["TZ"] = "UTC";
    env["USER"] = "tester";
}

RunResult AgentHome::run(std::vector<std::string> args) const {
    return run_agent(args, env);
}

nlohmann::json AgentHome::sync_stats(const std::string& source, std::vector<std::string> extra) const {
    return sync_run(source, std::move(extra)).stats;
}

AgentHome::SyncRun AgentHome::sync_run(const std::string& source, std::vector<std::string> extra) const {
    std::vector<std::string> args{"sync", "--once", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const nlohmann::json out = nlohmann::json::parse(r.out);
    for (const auto& s : out.at("sources"))
        if (s.at("source") == source) return {s, r.err};
    FAIL("no " << source << " entry in sync output: " << r.out);
    return {};
}

nlohmann::json AgentHome::report(const std::string& view, std::vector<std::string> extra, bool scan) const {
    std::vector<std::string> args{"report", view, "--json"};
    if (std::find(extra.begin(), extra.end(), "--tz") == extra.end()) args.insert(args.end(), {"--tz", "UTC"});
    if (!scan) args.push_back("--no-scan");
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = run(args);
    if (r.exit_code != 0) throw std::runtime_error("report failed (" + std::to_string(r.exit_code) + "): " + r.err);
    return nlohmann::json::parse(r.out);
}

LoopbackHttpServer::LoopbackHttpServer(int status, std::string body)
    : LoopbackHttpServer(std::vector<Reply>{{status, std::move(body), {}}}) {}

LoopbackHttpServer::LoopbackHttpServer(Mode mode) : LoopbackHttpServer(std::vector<Reply>{}) {
    std::lock_guard lock(mu_);
    mode_ = mode;
}

int bind_loopback(int& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot bind a port on 127.0.0.1");
    }
    port = ntohs(addr.sin_port);
    return fd;
}

LoopbackHttpServer::LoopbackHttpServer(std::vector<Reply> script) : LoopbackHttpServer(std::move(script), 0) {}

LoopbackHttpServer::LoopbackHttpServer(std::vector<Reply> script, int port) : script_(std::move(script)) {
    if (port == 0) {
        listen_fd_ = bind_loopback(port_);
    } else {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int on = 1;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        if (listen_fd_ < 0 || ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
            ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            if (listen_fd_ >= 0) ::close(listen_fd_);
            throw std::runtime_error("cannot bind 127.0.0.1:" + std::to_string(port));
        }
        port_ = port;
    }
    if (::listen(listen_fd_, 8) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    thread_ = std::thread([this] { serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
    stop_ = true;
    thread_.join();
    for (int fd : held_) ::close(fd);
    ::close(listen_fd_);
}

std::string LoopbackHttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<LoopbackHttpServer::Request> LoopbackHttpServer::received() const {
    std::lock_guard lock(mu_);
    return received_;
}

void LoopbackHttpServer::set_script(std::vector<Reply> script) {
    std::lock_guard lock(mu_);
    script_ = std::move(script);
    next_reply_ = 0;
}

namespace {

std::size_t content_length(const std::string& head) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto pos = lower.find("\r\ncontent-length:");
    if (pos == std::string::npos) return 0;
    return static_cast<std::size_t>(std::stoull(lower.substr(pos + 17)));
}

}  // namespace

void LoopbackHttpServer::serve() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::string data;
        char buf[16384];
        std::size_t head_end = std::string::npos;
        while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            data.append(buf, static_cast<std::size_t>(n));
        }
        Request req;
        req.at = std::chrono::steady_clock::now();
        if (head_end != std::string::npos) {
            req.head = data.substr(0, head_end);
            const std::size_t want = content_length(req.head + "\r\n");
            req.body = data.substr(head_end + 4);
            while (req.body.size() < want) {
                ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.body.append(buf, static_cast<std::size_t>(n));
            }
        }
        Reply reply;
        Mode mode = Mode::reply;
        {
            std::lock_guard lock(mu_);
            received_.push_back(req);
            mode = mode_;
            if (!script_.empty()) reply = script_[std::min(next_reply_++, script_.size() - 1)];
        }
        ++requests_;
        if (mode == Mode::hold) {
            held_.push_back(fd);
            continue;
        }
        if (mode == Mode::reset) {
            const linger abort{1, 0};  // close() then sends RST, not FIN
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
            ::close(fd);
            continue;
        }
        std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nContent-Type: application/json\r\n";
        for (const auto& h : reply.headers) response += h + "\r\n";
        response +=
            "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n" + reply.body;
        std::size_t sent = 0;
        while (sent < response.size()) {
            ssize_t n = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace testing
