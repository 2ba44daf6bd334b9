// git_remote_url on real folder layouts: a clone, a folder deep inside it, a
// linked worktree (.git file -> worktrees/NAME -> commondir), a submodule
// (.git file -> the parent's modules/), no remote, no repository at all, and
// URLs with credentials.
#include "usage/scan/git_repository.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;

void git_config(const fs::path& git_dir, const std::string& remotes) {
    testing::write_file(git_dir / "config", "[core]\n\trepositoryformatversion = 0\n\tbare = false\n" + remotes +
                                                "[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n");
}

}  // namespace

TEST_CASE("git repository: origin's URL of the work tree holding a folder, through worktrees and submodules") {
    testing::TempDir tmp;
    const fs::path clone = tmp.path() / "src" / "api";
    git_config(
        clone / ".git",
        "[remote \"upstream\"]\n\turl = https://github.com/upstream/api.git\n"
        "[remote \"origin\"]\n\turl = git@github.com:acme/api.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
    fs::create_directories(clone / "services" / "billing");
    CHECK(usage::git_remote_url(clone) == "git@github.com:acme/api.git");
    CHECK(usage::git_remote_url(clone / "services" / "billing") == "git@github.com:acme/api.git");

    // A linked worktree: `git worktree add ../api-fix`.
    const fs::path worktree = tmp.path() / "src" / "api-fix";
    testing::write_file(worktree / ".git", "gitdir: " + (clone / ".git" / "worktrees" / "api-fix").string() + "\n");
    testing::write_file(clone / ".git" / "worktrees" / "api-fix" / "commondir", "../..\n");
    CHECK(usage::git_remote_url(worktree) == "git@github.com:acme/api.git");

    // A submodule: a relative gitdir into the parent's modules/.
    const fs::path sub = clone / "vendor" / "lib";
    testing::write_file(sub / ".git", "gitdir: ../../.git/modules/lib\n");
    git_config(clone / ".git" / "modules" / "lib", "[remote \"origin\"]\n\turl = https://gitlab.com/acme/lib\n");
    CHECK(usage::git_remote_url(sub) == "https://gitlab.com/acme/lib");

    // No origin: the first remote. No remote: "". No repository: "".
    const fs::path fork = tmp.path() / "fork";
    git_config(fork / ".git", "[remote \"mine\"]\n\turl = \"https://example.com/me/fork.git\"\n");
    CHECK(usage::git_remote_url(fork) == "https://example.com/me/fork.git");
    // Names in any case, an inline comment, a quoted value.
    const fs::path shouty = tmp.path() / "shouty";
    testing::write_file(shouty / ".git" / "config",
                        "[Remote \"origin\"]\n\tURL = https://example.com/s.git ; mirror\n");
    CHECK(usage::git_remote_url(shouty) == "https://example.com/s.git");
    // A byte that is not UTF-8 becomes '?', as everywhere else in an event.
    const fs::path latin1 = tmp.path() / "latin1";
    git_config(latin1 / ".git", "[remote \"origin\"]\n\turl = https://example.com/caf\xe9.git\n");
    CHECK(usage::git_remote_url(latin1) == "https://example.com/caf?.git");
    const fs::path local = tmp.path() / "local";
    git_config(local / ".git", "");
    CHECK(usage::git_remote_url(local).empty());
    fs::create_directories(tmp.path() / "plain" / "dir");
    CHECK(usage::git_remote_url(tmp.path() / "plain" / "dir").empty());
    CHECK(usage::git_remote_url(tmp.path() / "does" / "not" / "exist").empty());
    CHECK(usage::git_remote_url("C:\\src\\api").empty());  // not looked up under the working folder
    CHECK(usage::git_remote_url("relative/api").empty());

    // Credentials never leave the machine.
    const fs::path secret = tmp.path() / "secret";
    git_config(secret / ".git", "[remote \"origin\"]\n\turl = https://alice:ghp_s3cr3t@github.com/acme/secret.git\n");
    CHECK(usage::git_remote_url(secret) == "https://github.com/acme/secret.git");

    usage::GitRepositories cache;
    CHECK(cache.remote_url(clone) == "git@github.com:acme/api.git");
    fs::remove_all(clone / ".git");
    CHECK(cache.remote_url(clone) == "git@github.com:acme/api.git");  // asked once per folder
}

TEST_CASE("git repository: credentials are removed from scheme URLs only") {
    CHECK(usage::without_credentials("https://x-access-token:tok@github.com/a/b.git") == "https://github.com/a/b.git");
    CHECK(usage::without_credentials("https://token@dev.azure.com/org/p/_git/r") ==
          "https://dev.azure.com/org/p/_git/r");
    CHECK(usage::without_credentials("ssh://git@host:2222/a/b.git") == "ssh://host:2222/a/b.git");
    CHECK(usage::without_credentials("https://github.com/a/b@v2.git") == "https://github.com/a/b@v2.git");
    CHECK(usage::without_credentials("git@github.com:a/b.git") == "git@github.com:a/b.git");
    CHECK(usage::without_credentials("/srv/git/b.git") == "/srv/git/b.git");
    CHECK(usage::without_credentials("https://u:tok@host?x=1") == "https://host?x=1");
}
