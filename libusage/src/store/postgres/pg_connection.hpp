// One libpq connection and the results of its statements, each owning its
// handle (PQfinish, PQclear). Statements take text parameters ($1, $2, ...)
// so values never meet the SQL text; results are read through typed getters
// that name the column when a value is not what the caller expects.
//
// A Connection is used by one thread at a time (libpq's rule); the pool hands
// it out. Failures throw (pg_error.hpp): usage::StoreUnavailable when the
// server cannot serve (the connection is then marked broken and never
// reused), PgRetryable for a serialization failure or deadlock, PgError
// otherwise.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace usage::pg {

struct ConnDeleter {
    void operator()(pg_conn* c) const noexcept;
};
struct ResultDeleter {
    void operator()(pg_result* r) const noexcept;
};

/// One parameter in PostgreSQL's text format; nullopt is SQL NULL. Built
/// implicitly, so a call reads `conn.exec(sql, {id, ts_ms, std::nullopt})`.
struct Param {
    std::optional<std::string> text;

    Param(std::nullopt_t) {}                             // NOLINT(google-explicit-constructor): reads as NULL
    Param(std::string_view v) : text(std::string(v)) {}  // NOLINT
    Param(const char* v) : text(std::string(v)) {}       // NOLINT
    Param(const std::string& v) : text(v) {}             // NOLINT
    template <std::integral T>
    Param(T v) : text(integral_text(v)) {}  // NOLINT
    template <typename T>
    Param(const std::optional<T>& v) : text(v ? Param(*v).text : std::nullopt) {}  // NOLINT

private:
    template <std::integral T>
    static std::string integral_text(T v) {
        if constexpr (std::same_as<T, bool>)
            return v ? "true" : "false";
        else
            return std::to_string(v);
    }
};

/// The rows (or command status) of one statement.
class Result {
public:
    Result() = default;
    explicit Result(pg_result* r);

    [[nodiscard]] int rows() const { return rows_; }
    [[nodiscard]] int columns() const { return columns_; }
    /// The index of the column called `name`; throws when there is none.
    [[nodiscard]] int column(std::string_view name) const;
    /// Rows an INSERT/UPDATE/DELETE touched (PQcmdTuples); 0 for others.
    [[nodiscard]] std::int64_t affected_rows() const;

    [[nodiscard]] bool is_null(int row, int col) const;
    /// The value as PostgreSQL sent it; throws on NULL. Valid while this
    /// Result lives.
    [[nodiscard]] std::string_view text(int row, int col) const;
    [[nodiscard]] std::string string(int row, int col) const { return std::string(text(row, col)); }
    /// An integer column (smallint, integer, bigint); throws on NULL or text
    /// that is not a 64-bit integer.
    [[nodiscard]] std::int64_t int64(int row, int col) const;
    [[nodiscard]] std::optional<std::int64_t> optional_int64(int row, int col) const;
    /// A boolean column ('t' / 'f').
    [[nodiscard]] bool boolean(int row, int col) const;

private:
    [[noreturn]] void bad_value(int row, int col, std::string_view why) const;
    std::unique_ptr<pg_result, ResultDeleter> result_;
    int rows_ = 0, columns_ = 0;  // read once: every getter checks its cell against them
};

class Connection {
public:
    /// Connects (10 s timeout unless `conninfo` sets connect_timeout);
    /// throws usage::StoreUnavailable naming host:port/db when it cannot,
    /// std::invalid_argument when libpq cannot parse `conninfo`.
    explicit Connection(const std::string& conninfo);

    /// One statement with parameters $1, $2, ... (extended protocol).
    Result exec(std::string_view sql, const std::vector<Param>& params = {});
    /// Sends one statement without parameters and returns at once, so the
    /// server works on it while the caller does something else (a reader
    /// parses one page of a cursor while the server produces the next).
    /// One at a time: receive() its result before sending again.
    void send(std::string_view sql);
    /// The result of the statement send() sent, waiting for it; throws as
    /// exec() does.
    Result receive();
    /// Several `;`-separated statements without parameters (simple
    /// protocol), e.g. a migration script. Inside a transaction they are part
    /// of it; outside, they form one implicit transaction.
    void exec_script(std::string_view sql);

    /// Open, not marked broken, and outside any transaction: what the pool
    /// may hand out again.
    [[nodiscard]] bool reusable() const;
    /// reusable() and nothing waiting on the socket. An idle connection has
    /// nothing to say; a readable socket means the server closed it or sent
    /// the FATAL that comes before (pg_terminate_backend, a restart), so the
    /// pool replaces it before anyone runs a statement on it. No round trip.
    [[nodiscard]] bool healthy_when_idle() const;
    /// From now on reusable() is false (a failed ROLLBACK, say).
    void mark_broken() noexcept { broken_ = true; }

    /// host:port/db, for messages.
    [[nodiscard]] const std::string& server() const noexcept { return server_; }
    /// The server process serving this connection (pg_stat_activity.pid).
    [[nodiscard]] int backend_pid() const;
    [[nodiscard]] pg_conn* native() const noexcept { return conn_.get(); }

private:
    [[noreturn]] void fail(pg_result* r, std::string_view what);
    Result check(pg_result* r, std::string_view what);

    std::unique_ptr<pg_conn, ConnDeleter> conn_;
    std::string server_;
    std::string sent_;  // the statement receive() waits for, for its message
    bool broken_ = false;
};

}  // namespace usage::pg
