#include "statusline/statusline_install.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "commands.hpp"
#include "self_executable.hpp"
#include "usage/os/durable_replace.hpp"
#include "usage/os/unique_fd.hpp"

namespace agent {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;  // keeps the user's keys in their order

constexpr const char* kKey = "statusLine";

std::optional<std::string> read_if_exists(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec) && !ec) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Next to the target, so the rename stays on one file system; the old file's
// mode is kept (settings may hold secrets in env entries).
void write_settings(const fs::path& path, const std::string& text) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw std::runtime_error(path.parent_path().string() + ": cannot create: " + ec.message());
    struct stat st {};
    const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0600;
    const fs::path tmp = path.string() + ".usage-agent-" + std::to_string(::getpid());
    {
        usage::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
        if (!fd.valid()) throw std::runtime_error(tmp.string() + ": cannot write: " + std::strerror(errno));
        ::fchmod(fd.get(), mode);  // not narrowed by the umask
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const std::string why = std::strerror(errno);
                fs::remove(tmp, ec);
                throw std::runtime_error(tmp.string() + ": cannot write: " + why);
            }
            done += static_cast<std::size_t>(n);
        }
    }
    try {
        usage::replace_durably(tmp, path);
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

}  // namespace

fs::path claude_settings_path(const usage::Environment& env) {
    // The agent reads CLAUDE_CONFIG_DIR as a comma-separated list of roots;
    // Claude Code itself has one folder, the first.
    if (auto dirs = env.get("CLAUDE_CONFIG_DIR")) {
        const std::string first = dirs->substr(0, dirs->find(','));
        if (!first.empty()) return fs::path(first) / "settings.json";
    }
    return env.home() / ".claude" / "settings.json";
}

std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789/._-+=:,@%") == std::string::npos;
    if (plain) return word;
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

StatuslinePlan plan_statusline(const std::optional<std::string>& current, const std::string& command, bool force,
                               const std::string& where) {
    Json settings = Json::object();
    if (current && current->find_first_not_of(" \t\r\n") != std::string::npos) {
        settings = Json::parse(*current, nullptr, false);
        if (settings.is_discarded() || !settings.is_object())
            throw std::runtime_error(where + ": not a JSON object; fix or move it, then install again");
    }
    const Json wanted = {{"type", "command"}, {"command", command}, {"padding", 0}};
    StatuslinePlan plan;
    plan.after = wanted.dump();
    if (auto it = settings.find(kKey); it != settings.end()) {
        plan.before = it->dump();
        if (*it == wanted) {
            plan.action = StatuslinePlan::Action::unchanged;
            plan.text = current.value_or("");
            return plan;
        }
        if (!force)
            throw std::runtime_error(where + ": another statusLine is set (" + plan.before + "); --force replaces it");
        plan.action = StatuslinePlan::Action::replace;
    }
    settings[kKey] = wanted;  // an existing key keeps its place
    plan.text = settings.dump(2) + "\n";
    return plan;
}

int StatuslineCommand::run_install(const GlobalOptions& globals) const {
    const auto env = usage::Environment::from_process();
    const fs::path path = claude_settings_path(env);
    std::string command = shell_word(self_executable().string());
    // A store elsewhere than the default is the one the line must record in.
    if (!globals.state_dir.empty()) command += " --state-dir " + shell_word(fs::absolute(globals.state_dir).string());
    command += " statusline";
    const StatuslinePlan plan = plan_statusline(read_if_exists(path), command, force, path.string());
    if (plan.action == StatuslinePlan::Action::unchanged) {
        std::cout << path.string() << ": statusLine already runs usage-agent statusline; nothing to do\n";
        return 0;
    }
    const char* verb = plan.action == StatuslinePlan::Action::add ? "add" : "replace";
    if (dry_run) {
        std::cout << path.string() << ": would " << verb << " statusLine (--dry-run: nothing written)\n";
    } else {
        write_settings(path, plan.text);
        std::cout << path.string() << ": " << (plan.action == StatuslinePlan::Action::add ? "added" : "replaced")
                  << " statusLine; every other setting kept\n";
    }
    if (!plan.before.empty()) std::cout << "- \"statusLine\": " << plan.before << "\n";
    std::cout << "+ \"statusLine\": " << plan.after << "\n";
    if (!dry_run) std::cout << "Claude Code shows it from its next message (restart it if it does not).\n";
    return 0;
}

}  // namespace agent
