#include "usage/scan/git_repository.hpp"

#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include "usage/scan/utf8_repair.hpp"

namespace usage {
namespace {

namespace fs = std::filesystem;

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

// The first line of a small file, trimmed; "" when it cannot be read.
std::string first_line(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return trim(line);
}

// The git directory whose config applies to the work tree at `top` (which
// has a `.git` entry): `.git` itself, or where a `.git` file's "gitdir:"
// points, and for a linked worktree its `commondir`.
fs::path config_dir(const fs::path& top) {
    const fs::path dotgit = top / ".git";
    std::error_code ec;
    if (fs::is_directory(dotgit, ec)) return dotgit;
    std::string pointer = first_line(dotgit);
    if (!pointer.starts_with("gitdir:")) return {};
    fs::path gitdir = trim(pointer.substr(7));
    if (gitdir.is_relative()) gitdir = top / gitdir;
    const std::string common = first_line(gitdir / "commondir");
    if (!common.empty()) {
        fs::path c = common;
        return c.is_relative() ? gitdir / c : c;
    }
    return gitdir;
}

// `origin`'s url in a git config file, else the first remote's.
std::string remote_in_config(const fs::path& config) {
    std::ifstream in(config);
    std::string line, section, first, origin;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line[0] == '[') {
            section = line;
            // Section and key names are case-insensitive; subsection names
            // ("origin") are not.
            for (std::size_t i = 1; i < section.size() && section[i] != ' ' && section[i] != '"'; ++i)
                section[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(section[i])));
            continue;
        }
        if (!section.starts_with("[remote ")) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string key = trim(line.substr(0, eq));
        for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (key != "url") continue;
        std::string url = trim(line.substr(eq + 1));
        if (url.size() >= 2 && url.front() == '"') {
            const auto close = url.find('"', 1);
            url = url.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        } else if (const auto comment = url.find_first_of("#;"); comment != std::string::npos) {
            url = trim(url.substr(0, comment));  // an inline comment
        }
        if (first.empty()) first = url;
        if (section == "[remote \"origin\"]" && origin.empty()) origin = url;
    }
    return origin.empty() ? first : origin;
}

}  // namespace

std::string without_credentials(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const auto authority = scheme + 3;
    const auto end = url.find_first_of("/?#", authority);
    const auto at = url.rfind('@', end == std::string::npos ? url.size() : end);
    if (at == std::string::npos || at < authority) return url;
    return url.substr(0, authority) + url.substr(at + 1);
}

std::string git_remote_url(const fs::path& dir) {
    // Only absolute paths: a relative one (a Windows path seen from Linux,
    // C:\src\api) would be looked up under this process's working folder.
    if (!dir.is_absolute()) return {};
    std::error_code ec;
    for (fs::path at = dir; !at.empty(); at = at.parent_path()) {
        if (fs::exists(at / ".git", ec)) {
            const fs::path git = config_dir(at);
            std::string url = git.empty() ? std::string() : without_credentials(remote_in_config(git / "config"));
            // From a file, not parsed JSON: one byte that is not UTF-8 would
            // make the push of every event carrying it fail.
            detail::repair_utf8(url.data(), url.size());
            return url;
        }
        if (at == at.root_path()) break;
    }
    return {};
}

const std::string& GitRepositories::remote_url(const fs::path& dir) {
    auto [it, fresh] = by_dir_.try_emplace(dir.string());
    if (fresh) it->second = git_remote_url(dir);
    return it->second;
}

}  // namespace usage
