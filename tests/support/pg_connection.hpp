// A libpq connection for the PostgreSQL test harness and the tests that check
// what a store wrote: plain text in, plain text out, errors as exceptions.
#pragma once

#include <string>
#include <vector>

struct pg_conn;

namespace testing {

/// One open connection, closed on destruction. Throws std::runtime_error
/// (with libpq's message) when it cannot connect or a statement fails.
class PgConnection {
public:
    /// `conninfo`: a URI (postgresql://...) or key=value pairs.
    explicit PgConnection(const std::string& conninfo);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    /// Run `sql`, one or more statements without parameters (so also what
    /// cannot run in a transaction block, such as CREATE DATABASE).
    void exec(const std::string& sql);
    /// Run one statement with text parameters $1, $2, ...; its rows, every
    /// value as text. A NULL throws: the tests compare exact strings, so a
    /// query that can yield NULL says how it wants it shown (coalesce).
    std::vector<std::vector<std::string>> query(const std::string& sql, const std::vector<std::string>& params = {});
    /// The single value of a query that must yield one row of one column.
    std::string scalar(const std::string& sql, const std::vector<std::string>& params = {});

    [[nodiscard]] pg_conn* get() const { return conn_; }

private:
    pg_conn* conn_ = nullptr;
};

}  // namespace testing
