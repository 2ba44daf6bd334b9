// posix_spawnp with pipes for stdin and output; a poll loop so a command
// that hangs (or never reads its stdin) cannot hold the caller past its
// timeout.
#include "alerts/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "spawn_file_actions.hpp"
#include "usage/os/unique_fd.hpp"

extern char** environ;

namespace agent::alerts {
namespace {

constexpr std::size_t kMaxOutput = 4096;

std::pair<usage::UniqueFd, usage::UniqueFd> make_pipe(const std::string& program) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(program + ": cannot create a pipe: " + std::strerror(errno));
    return {usage::UniqueFd(fds[0]), usage::UniqueFd(fds[1])};
}

// A child that exits without reading its stdin makes our write fail with
// EPIPE, and SIGPIPE would kill the whole agent: blocked on this thread for
// the write, and a pending one taken back before unblocking.
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeBlocked() {
        const timespec zero{0, 0};
        while (::sigtimedwait(&pipe_, nullptr, &zero) > 0) {
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    sigset_t pipe_{}, old_{};
};

}  // namespace

ChildResult run_with_input(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout) {
    if (argv.empty() || argv.front().empty()) throw std::runtime_error("a command names no program");
    const std::string& program = argv.front();
    auto [in_read, in_write] = make_pipe(program);
    auto [out_read, out_write] = make_pipe(program);
    SpawnFileActions actions;
    ::posix_spawn_file_actions_adddup2(actions.get(), in_read.get(), 0);
    ::posix_spawn_file_actions_adddup2(actions.get(), out_write.get(), 1);
    ::posix_spawn_file_actions_adddup2(actions.get(), out_write.get(), 2);
    std::vector<std::string> copies(argv);
    std::vector<char*> args;
    for (auto& a : copies) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, program.c_str(), actions.get(), nullptr, args.data(), environ);
    if (rc != 0) throw std::runtime_error(program + ": cannot start: " + std::strerror(rc));
    in_read.reset();
    out_write.reset();
    ::fcntl(in_write.get(), F_SETFL, ::fcntl(in_write.get(), F_GETFL) | O_NONBLOCK);

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ChildResult result;
    std::size_t sent = 0;
    if (input.empty()) in_write.reset();
    {
        SigpipeBlocked guard;
        while (out_read.get() >= 0) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                result.timed_out = true;
                break;
            }
            pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {in_write.get(), POLLOUT, 0}};
            const int n = ::poll(fds, in_write.get() >= 0 ? 2 : 1, static_cast<int>(left.count()));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break;
            if (in_write.get() >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
                const ssize_t w = ::write(in_write.get(), input.data() + sent, input.size() - sent);
                if (w > 0) sent += static_cast<std::size_t>(w);
                if (w < 0 && errno != EAGAIN && errno != EINTR) in_write.reset();  // it stopped reading
                if (sent == input.size()) in_write.reset();                        // EOF: the whole alert is there
            }
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buf[1024];
                const ssize_t r = ::read(out_read.get(), buf, sizeof buf);
                if (r < 0 && errno == EINTR) continue;
                if (r <= 0) {
                    out_read.reset();
                    break;
                }
                if (result.output.size() < kMaxOutput) result.output.append(buf, static_cast<std::size_t>(r));
            }
        }
    }
    in_write.reset();
    int status = 0;
    if (result.timed_out) {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    } else {
        // Output closed: the child is exiting (or handed its output on);
        // wait for it within what is left of the timeout.
        for (;;) {
            const pid_t w = ::waitpid(pid, &status, WNOHANG);
            if (w == pid) break;
            if (w < 0 && errno != EINTR) break;
            if (std::chrono::steady_clock::now() >= deadline) {
                result.timed_out = true;
                ::kill(pid, SIGKILL);
                while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
                }
                break;
            }
            ::usleep(10'000);
        }
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

}  // namespace agent::alerts
