#include "external_command.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "spawn_file_actions.hpp"
#include "usage/os/unique_fd.hpp"

extern char** environ;

namespace agent::service {
namespace {

bool is_executable_file(const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

bool needs_quotes(const std::string& s) {
    if (s.empty()) return true;
    for (const char c : s) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           std::strchr("/._-+=:,@%", c) != nullptr;
        if (!plain) return true;
    }
    return false;
}

}  // namespace

std::optional<std::filesystem::path> find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return std::nullopt;
    std::string_view rest(path);
    while (true) {
        const auto colon = rest.find(':');
        const std::string_view dir = rest.substr(0, colon);
        // An empty entry means the current directory; a service file must
        // not name a program found there by accident, so it is skipped.
        if (!dir.empty()) {
            std::filesystem::path candidate = std::filesystem::path(dir) / name;
            if (is_executable_file(candidate)) return candidate;
        }
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return std::nullopt;
}

CommandResult run_command(const std::filesystem::path& program, const std::vector<std::string>& argv) {
    const std::string line = shell_line(argv);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(line + ": cannot create a pipe: " + std::strerror(errno));
    usage::UniqueFd read_end(fds[0]);
    usage::UniqueFd write_end(fds[1]);

    SpawnFileActions actions;
    ::posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), 1);
    ::posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), 2);

    std::vector<char*> args;
    std::vector<std::string> copies(argv);  // posix_spawn takes char* const*
    for (auto& a : copies) args.push_back(a.data());
    args.push_back(nullptr);

    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program.c_str(), actions.get(), nullptr, args.data(), environ);
    if (rc != 0) throw std::runtime_error(line + ": cannot start " + program.string() + ": " + std::strerror(rc));
    write_end.reset();  // so the read below sees EOF when the child exits

    CommandResult result;
    std::array<char, 4096> buf{};
    for (;;) {
        const ssize_t n = ::read(read_end.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        result.output.append(buf.data(), static_cast<std::size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error(line + ": waitpid: " + std::strerror(errno));
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string shell_line(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += ' ';
        if (!needs_quotes(a)) {
            out += a;
            continue;
        }
        out += '\'';
        for (const char c : a) {
            if (c == '\'')
                out += "'\\''";
            else
                out += c;
        }
        out += '\'';
    }
    return out;
}

namespace {

std::string trimmed(const std::string& line) {
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return line.substr(b, line.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

std::string last_line(const std::string& text) {
    std::string last;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        if (std::string line = trimmed(text.substr(pos, end - pos)); !line.empty()) last = std::move(line);
        pos = end + 1;
    }
    return last;
}

std::string first_line(const std::string& text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        if (std::string line = trimmed(text.substr(pos, end - pos)); !line.empty()) return line;
        pos = end + 1;
    }
    return {};
}

}  // namespace agent::service
