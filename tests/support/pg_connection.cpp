#include "pg_connection.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace testing {

namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string error_of(PGconn* conn, const std::string& sql) {
    return std::string(PQerrorMessage(conn)) + " (in: " + sql + ")";
}

}  // namespace

PgConnection::PgConnection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (conn_ == nullptr) throw std::runtime_error("libpq: out of memory connecting to " + conninfo);
    if (PQstatus(conn_) != CONNECTION_OK) {
        const std::string why = PQerrorMessage(conn_);
        PQfinish(conn_);
        throw std::runtime_error("cannot connect to " + conninfo + ": " + why);
    }
}

PgConnection::~PgConnection() {
    PQfinish(conn_);
}

void PgConnection::exec(const std::string& sql) {
    // PQexec runs a multi-statement string and returns the last result; an
    // error stops it there, so checking the last one is enough.
    Result r(PQexec(conn_, sql.c_str()), &PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(error_of(conn_, sql));
}

std::vector<std::vector<std::string>> PgConnection::query(const std::string& sql,
                                                          const std::vector<std::string>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    Result r(
        PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
        &PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(error_of(conn_, sql));
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        auto& row = rows.emplace_back();
        for (int j = 0; j < PQnfields(r.get()); ++j) {
            if (PQgetisnull(r.get(), i, j) != 0)
                throw std::runtime_error("NULL in column " + std::string(PQfname(r.get(), j)) + " of: " + sql);
            row.emplace_back(PQgetvalue(r.get(), i, j), static_cast<std::size_t>(PQgetlength(r.get(), i, j)));
        }
    }
    return rows;
}

std::string PgConnection::scalar(const std::string& sql, const std::vector<std::string>& params) {
    auto rows = query(sql, params);
    if (rows.size() != 1 || rows.front().size() != 1)
        throw std::runtime_error("expected one value, got " + std::to_string(rows.size()) + " rows from: " + sql);
    return std::move(rows.front().front());
}

}  // namespace testing
