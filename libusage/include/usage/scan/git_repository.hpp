// usage/scan/git_repository.hpp — the git remote a project folder belongs to,
// so usage can be grouped by repository across machines and clone paths
// (`~/src/api` on one laptop, `/work/api` on another: one repository).
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>

namespace usage {

/// The remote URL of the git work tree holding `dir` (it or a parent has a
/// `.git` folder, or a `.git` file pointing elsewhere, as a linked worktree
/// or a submodule has): `origin`'s URL, else the first remote's; "" when
/// there is no work tree or no remote, or `dir` is not absolute. Credentials in the URL are removed
/// (`https://user:token@host/x` -> `https://host/x`). Reads two or three
/// small files; never runs git.
std::string git_remote_url(const std::filesystem::path& dir);

/// A URL without its credentials: the user and password of a `scheme://`
/// URL's authority are dropped; scp-like `git@host:path` is left alone (a
/// login name, not a secret).
std::string without_credentials(const std::string& url);

/// git_remote_url with a memory: a scan asks about the same few folders
/// thousands of times. Not thread-safe; one per scan.
class GitRepositories {
public:
    const std::string& remote_url(const std::filesystem::path& dir);

private:
    std::unordered_map<std::string, std::string> by_dir_;
};

}  // namespace usage
