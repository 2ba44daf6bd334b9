// A throwaway PostgreSQL server for the tests of the PostgreSQL store (issue
// 11): a real server (Debian's postgresql package), not a mock, so the SQL a
// store sends is checked by the database that will run it.
//
// initdb takes about a second, so a test process normally shares one server
// (shared_postgres_or_skip) and gives each case a database of its own
// (fresh_database); a case that needs a server to itself (to stop it, say)
// constructs a PostgresServer.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "pg_connection.hpp"
#include "test_support.hpp"

namespace testing {

/// A cluster in a temporary directory and a postmaster serving it on
/// 127.0.0.1 at a free port (its unix socket in that directory, so parallel
/// servers never meet), with durability off (fsync, synchronous_commit): its
/// data dies with it anyway. The superuser is `usage`, trusted without a
/// password; a database `usage` exists. The destructor stops it at once
/// (immediate shutdown) and removes the directory.
///
/// PostgreSQL refuses to run as root: when the tests do (CI), the directory
/// is handed to the `postgres` system user (the Debian package makes it) and
/// initdb and the server run as that user.
///
/// Should the test process die without its destructors (a crash, ctest's
/// timeout), the postmaster gets SIGQUIT from the kernel (parent-death
/// signal) rather than living on; that signal follows the thread that
/// started it, so start servers from the thread that runs the tests.
class PostgresServer {
public:
    /// Whether a server can be started here: the binaries are installed and,
    /// when running as root, there is a user to run them as.
    static bool available();
    /// Why not (empty when available()), naming what to install.
    static std::string unavailable_reason();

    /// initdb, start and wait until it accepts connections; throws with the
    /// server's log when it does not come up.
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    [[nodiscard]] int port() const { return port_; }
    /// `postgresql://usage@127.0.0.1:PORT/usage`.
    [[nodiscard]] std::string uri() const { return uri("usage"); }
    /// The same for `database`.
    [[nodiscard]] std::string uri(const std::string& database) const;
    /// CREATE DATABASE db_N (N counting up in this process, so never taken)
    /// and its URI: an empty database per test case, far cheaper than a
    /// server per case.
    std::string fresh_database();
    /// The cluster's directory (data/ in it; also the unix socket's).
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_->path(); }
    /// Everything the server wrote to its log (stderr) so far.
    [[nodiscard]] std::string log() const;

private:
    // Pointers, so that a forked child's destructor can drop them unrun.
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Process> postmaster_;
    std::unique_ptr<PgConnection> admin_;  ///< on database `postgres`, for CREATE DATABASE
    std::mutex admin_mu_;
    int port_ = 0;
    int databases_ = 0;
    int owner_pid_ = 0;  ///< the process that started it (a forked child must not stop it)
};

/// PostgresServer::available(); else reports the skip (doctest MESSAGE, and
/// the marker ctest reports as "Skipped") and returns false: the caller
/// returns. With USAGE_REQUIRE_POSTGRES set (CI), a missing server fails the
/// test instead.
bool postgres_available_or_skip();

/// The process-wide server, started on first use and stopped at exit; nullptr
/// when !postgres_available_or_skip().
PostgresServer* shared_postgres_or_skip();

}  // namespace testing
