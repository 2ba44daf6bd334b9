#include "service_plan.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>
#include <stdexcept>

#include "external_command.hpp"
#include "usage/os/unique_fd.hpp"

namespace agent::service {
namespace {

std::runtime_error file_error(const std::filesystem::path& path, const std::string& what, int err) {
    return std::runtime_error(path.string() + ": " + what + ": " + std::strerror(err));
}

void make_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir.string() + ": cannot create the directory: " + ec.message());
}

// Whether it was there: a command run before may have removed it already.
bool remove_file(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) == 0) return true;
    if (errno != ENOENT) throw file_error(path, "cannot remove", errno);
    return false;
}

// The tool was found: run it. A failure is fatal unless the step allows it;
// returns whether it succeeded.
bool run_step(const Step& step, const std::filesystem::path& program, std::ostream& out, std::ostream& err) {
    const std::string line = shell_line(step.argv);
    const CommandResult r = run_command(program, step.argv);
    if (r.exit_code == 0) {
        out << "ran: " << line << "\n";
        return true;
    }
    // The error is the last thing a tool says (systemctl may first report
    // what it did manage to do).
    const std::string why = last_line(r.output);
    const std::string message =
        "`" + line + "` failed (exit status " + std::to_string(r.exit_code) + ")" + (why.empty() ? "" : ": " + why);
    if (!step.may_fail) throw std::runtime_error(message);
    err << "warning: " << message << "\n";
    return false;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
    make_dir(path.parent_path());
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        usage::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd.valid()) throw file_error(tmp, "cannot write", errno);
        // 0644 whatever the umask: the service manager reads the file as this user anyway.
        ::fchmod(fd.get(), 0644);
        std::size_t done = 0;
        while (done < content.size()) {
            const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                const int e = errno;
                ::unlink(tmp.c_str());
                throw file_error(tmp, "cannot write", e);
            }
            done += static_cast<std::size_t>(n);
        }
        if (::fsync(fd.get()) != 0) {
            const int e = errno;
            ::unlink(tmp.c_str());
            throw file_error(tmp, "cannot write", e);
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw file_error(path, "cannot write", e);
    }
}

int execute(const Plan& plan, bool dry_run, std::ostream& out, std::ostream& err) {
    const auto program = plan.tool.empty() ? std::nullopt : find_on_path(plan.tool);
    if (dry_run) out << "dry run: nothing is written, removed or run\n";
    std::vector<std::string> not_run;
    bool all_ran = true;
    for (const Step& step : plan.steps) {
        switch (step.kind) {
            case Step::Kind::make_dir:
                if (dry_run) {
                    out << "would create directory " << step.path.string() << "\n";
                } else {
                    make_dir(step.path);
                    out << "created directory " << step.path.string() << "\n";
                }
                break;
            case Step::Kind::write_file:
                if (dry_run) {
                    out << "would write " << step.path.string() << ":\n" << step.content << "\n";
                } else {
                    write_file_atomically(step.path, step.content);
                    out << "wrote " << step.path.string() << "\n";
                }
                break;
            case Step::Kind::remove_file:
                if (dry_run) {
                    out << "would remove " << step.path.string() << "\n";
                } else {
                    if (remove_file(step.path)) out << "removed " << step.path.string() << "\n";
                }
                break;
            case Step::Kind::run:
                if (dry_run)
                    out << "would run: " << shell_line(step.argv) << "\n";
                else if (!program)
                    not_run.push_back(shell_line(step.argv));
                else if (!run_step(step, *program, out, err))
                    all_ran = false;
                break;
        }
    }
    if (!program && !plan.tool.empty()) {
        if (dry_run) {
            out << "note: " << plan.tool << " is not on PATH: a real run would do the file steps above and print the "
                << "commands for you to run\n";
        } else if (!not_run.empty()) {
            out << plan.tool << " is not on PATH, so these commands did not run; run them where it is:\n";
            for (const auto& line : not_run) out << "  " << line << "\n";
        }
    }
    for (const auto& note : plan.notes) out << "note: " << note << "\n";
    // Only when every command worked: after a warning it would not be true.
    if (!dry_run && program && all_ran && !plan.done.empty()) out << plan.done << "\n";
    return 0;
}

}  // namespace agent::service
