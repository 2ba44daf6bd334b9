#include "postgres_server.hpp"

#include <doctest/doctest.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace testing {
namespace fs = std::filesystem;

namespace {

// Whether `dir` holds the two programs the harness runs.
bool has_server(const fs::path& dir) {
    return ::access((dir / "initdb").c_str(), X_OK) == 0 && ::access((dir / "postgres").c_str(), X_OK) == 0;
}

// The server binaries: $USAGE_PG_BINDIR, else Debian's newest
// /usr/lib/postgresql/N/bin. (pg_config --bindir would need libpq-dev's
// pg_config to match the server package; PATH has neither initdb nor
// postgres on Debian, only the pg_wrapper scripts.)
std::optional<fs::path> find_bindir() {
    if (const char* env = std::getenv("USAGE_PG_BINDIR"); env != nullptr && *env != '\0')
        return has_server(env) ? std::optional<fs::path>(env) : std::nullopt;
    std::optional<fs::path> best;
    int best_major = -1;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const int major = std::stoi(name);
        if (major > best_major && has_server(entry.path() / "bin")) {
            best_major = major;
            best = entry.path() / "bin";
        }
    }
    return best;
}

const std::optional<fs::path>& bindir() {
    static const std::optional<fs::path> dir = find_bindir();
    return dir;
}

// Who runs initdb and the server: this process's user, or `postgres` when
// this process is root (the server refuses root outright).
struct ServerUser {
    bool switch_to = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

std::optional<ServerUser> server_user() {
    if (::geteuid() != 0) return ServerUser{false, ::geteuid(), ::getegid()};
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) return std::nullopt;
    return ServerUser{true, pw->pw_uid, pw->pw_gid};
}

// Whether `user` can reach into `dir`: every directory on the way needs its
// execute bit for them (a root-only $TMPDIR such as /root/tmp fails this).
bool traversable(const fs::path& dir, const ServerUser& user) {
    for (fs::path p = fs::absolute(dir);; p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0) return false;
        const bool ok = st.st_uid == user.uid   ? (st.st_mode & S_IXUSR) != 0
                        : st.st_gid == user.gid ? (st.st_mode & S_IXGRP) != 0
                                                : (st.st_mode & S_IXOTH) != 0;
        if (!ok) return false;
        if (p == p.parent_path()) return true;
    }
}

// The child's side of running as `user`: drop root (groups first, while still
// allowed), start in `cwd` (the server resolves its own path from there, and
// root's may be closed to it) and, for the postmaster, die with the test
// process. The death signal goes after setuid, which clears it.
ChildSetup as_user(const ServerUser& user, std::string cwd, bool die_with_parent) {
    const pid_t parent = ::getpid();
    return [user, cwd = std::move(cwd), die_with_parent, parent] {
        if (user.switch_to && (::setgroups(0, nullptr) != 0 || ::setgid(user.gid) != 0 || ::setuid(user.uid) != 0))
            return false;
        if (::chdir(cwd.c_str()) != 0) return false;
        if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) return false;
        return true;
    };
}

// A port free right now; the server may still lose it to another process
// before it binds, hence the retries in the constructor.
int free_port() {
    int port = 0;
    ::close(bind_loopback(port));
    return port;
}

// Whether the postmaster `pid` accepts connections: the status line of its
// postmaster.pid (what pg_ctl -w waits for). Unlike pinging the port, this
// cannot take another server that got the port first for ours.
bool ready(const fs::path& data, int pid) {
    std::istringstream in(read_file(data / "postmaster.pid"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines.size() >= 8 && lines[0] == std::to_string(pid) && lines[7].rfind("ready", 0) == 0;
}

std::map<std::string, std::string> server_env() {
    // C locale: sorting by bytes like SQLite's BINARY collation, and no
    // dependence on which locales the machine has generated. UTC: timestamps
    // print the same everywhere.
    return {{"PATH", bindir()->string() + ":/usr/bin:/bin"}, {"LC_ALL", "C"}, {"TZ", "UTC"}};
}

}  // namespace

bool PostgresServer::available() {
    return unavailable_reason().empty();
}

std::string PostgresServer::unavailable_reason() {
    if (!bindir())
        return "no PostgreSQL server binaries (initdb, postgres) in /usr/lib/postgresql/*/bin or $USAGE_PG_BINDIR; "
               "install the Debian package postgresql (quickstart.sh test does)";
    if (!server_user())
        return "running as root and no 'postgres' user to run the server as (PostgreSQL refuses root); "
               "install the Debian package postgresql, which creates it";
    return "";
}

PostgresServer::PostgresServer() : owner_pid_(::getpid()) {
    if (!available()) throw std::runtime_error(unavailable_reason());
    const ServerUser user = *server_user();
    if (user.switch_to && !traversable(fs::temp_directory_path(), user))
        dir_ = std::make_unique<TempDir>("/tmp");
    else
        dir_ = std::make_unique<TempDir>();
    if (user.switch_to && ::chown(dir().c_str(), user.uid, user.gid) != 0)
        throw std::runtime_error("cannot hand " + dir().string() + " to the postgres user");
    const fs::path data = dir() / "data";

    const RunResult init = run_command({(*bindir() / "initdb").string(), "-D", data.string(), "-A", "trust", "-U",
                                        "usage", "--no-sync", "-E", "UTF8", "--locale=C", "--no-instructions"},
                                       server_env(), as_user(user, dir().string(), false));
    if (init.exit_code != 0)
        throw std::runtime_error(
            "initdb failed (exit " + std::to_string(init.exit_code) +
            (init.exit_code == 126 ? ": could not become the server user or enter " + dir().string() : std::string()) +
            "): " + init.out + init.err);

    // The port is free when picked but not reserved: another process can take
    // it first, and then the server exits saying so; pick another.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int attempt = 1;; ++attempt) {
        port_ = free_port();
        postmaster_ = std::make_unique<Process>(
            std::vector<std::string>{(*bindir() / "postgres").string(), "-D", data.string(), "-p",
                                     std::to_string(port_), "-c", "listen_addresses=127.0.0.1", "-c",
                                     "unix_socket_directories=" + dir().string(), "-c", "fsync=off", "-c",
                                     "synchronous_commit=off", "-c", "full_page_writes=off"},
            server_env(), false, as_user(user, dir().string(), true));
        while (!postmaster_->exited() && !ready(data, postmaster_->pid())) {
            if (std::chrono::steady_clock::now() > deadline) {
                const std::string why = log();
                postmaster_->signal(SIGQUIT);
                throw std::runtime_error("PostgreSQL did not accept connections within 60 s: " + why);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (postmaster_->running()) break;
        const std::string why = log();
        if (attempt == 5 || why.find("could not create any TCP/IP sockets") == std::string::npos)
            throw std::runtime_error("PostgreSQL exited on start (exit " + std::to_string(postmaster_->wait()) +
                                     "): " + why);
    }
    admin_ = std::make_unique<PgConnection>(uri("postgres"));
    admin_->exec("CREATE DATABASE usage");
}

PostgresServer::~PostgresServer() {
    if (::getpid() != owner_pid_) {
        // A forked child that exits normally runs static destructors too: the
        // server and its directory are the parent's, so its copies are left
        // unrun (no SIGTERM to the server, no removal, no Terminate message).
        (void)admin_.release();
        (void)postmaster_.release();
        (void)dir_.release();
        return;
    }
    admin_.reset();
    if (postmaster_) {
        // Immediate shutdown: no checkpoint, nothing to keep.
        postmaster_->signal(SIGQUIT);
        postmaster_->wait(std::chrono::seconds(10));
    }
}

std::string PostgresServer::uri(const std::string& database) const {
    return "postgresql://usage@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::fresh_database() {
    std::lock_guard lock(admin_mu_);
    const std::string name = "db_" + std::to_string(++databases_);
    admin_->exec("CREATE DATABASE " + name);
    return uri(name);
}

std::string PostgresServer::log() const {
    return postmaster_ ? postmaster_->err() : std::string();
}

bool postgres_available_or_skip() {
    if (PostgresServer::available()) return true;
    skip_unless_required("USAGE_REQUIRE_POSTGRES", PostgresServer::unavailable_reason());
    return false;
}

PostgresServer* shared_postgres_or_skip() {
    if (!postgres_available_or_skip()) return nullptr;
    static PostgresServer server;  // a function-local static: started on first use, stopped at exit
    return &server;
}

}  // namespace testing
