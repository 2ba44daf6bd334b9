#include "store/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <stdexcept>

#include "store/postgres/pg_conninfo.hpp"
#include "store/postgres/pg_error.hpp"
#include "usage/store/store_failure.hpp"

namespace usage::pg {
namespace {

// libpq's messages end in a newline and continue on tab-indented lines
// ("...failed: Connection refused\n\tIs the server running..."): one line.
std::string one_line(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\n' || c == '\t' || c == '\r') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string field(const PGresult* r, int code) {
    const char* v = r != nullptr ? PQresultErrorField(r, code) : nullptr;
    return v != nullptr ? v : "";
}

}  // namespace

void ConnDeleter::operator()(pg_conn* c) const noexcept {
    PQfinish(c);
}

void ResultDeleter::operator()(pg_result* r) const noexcept {
    PQclear(r);
}

// ---- Result ----

Result::Result(pg_result* r) : result_(r), rows_(PQntuples(r)), columns_(PQnfields(r)) {}

int Result::column(std::string_view name) const {
    const std::string n(name);
    const int i = PQfnumber(result_.get(), n.c_str());
    if (i < 0) throw std::out_of_range("postgresql result has no column '" + n + "'");
    return i;
}

std::int64_t Result::affected_rows() const {
    const char* n = PQcmdTuples(result_.get());
    std::int64_t v = 0;
    if (n != nullptr && *n != '\0') std::from_chars(n, n + std::char_traits<char>::length(n), v);
    return v;
}

bool Result::is_null(int row, int col) const {
    if (row < 0 || row >= rows() || col < 0 || col >= columns()) bad_value(row, col, "no such row or column");
    return PQgetisnull(result_.get(), row, col) != 0;
}

std::string_view Result::text(int row, int col) const {
    if (row < 0 || row >= rows() || col < 0 || col >= columns()) bad_value(row, col, "no such row or column");
    // A NULL has length 0: only an empty value needs asking (a report reads
    // millions of cells, and each libpq call checks its cell again).
    const int length = PQgetlength(result_.get(), row, col);
    if (length == 0 && PQgetisnull(result_.get(), row, col) != 0) bad_value(row, col, "NULL where a value is required");
    return {PQgetvalue(result_.get(), row, col), static_cast<std::size_t>(length)};
}

std::int64_t Result::int64(int row, int col) const {
    const std::string_view t = text(row, col);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size() || t.empty())
        bad_value(row, col, "not a 64-bit integer: '" + std::string(t) + "'");
    return v;
}

std::optional<std::int64_t> Result::optional_int64(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return int64(row, col);
}

bool Result::boolean(int row, int col) const {
    const std::string_view t = text(row, col);
    if (t == "t") return true;
    if (t == "f") return false;
    bad_value(row, col, "not a boolean: '" + std::string(t) + "'");
}

void Result::bad_value(int row, int col, std::string_view why) const {
    const char* name = col >= 0 && col < columns() ? PQfname(result_.get(), col) : nullptr;
    throw std::runtime_error("postgresql result, row " + std::to_string(row) + " column " +
                             (name != nullptr ? "'" + std::string(name) + "'" : std::to_string(col)) + ": " +
                             std::string(why));
}

// ---- Connection ----

Connection::Connection(const std::string& conninfo) : server_(server_name(conninfo)) {
    // `conninfo` is expanded in place of dbname, so what it sets wins over
    // the defaults listed before it.
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"10", "usage-agent", conninfo.c_str(), nullptr};
    conn_.reset(PQconnectdbParams(keywords, values, 1));
    if (!conn_) throw StoreUnavailable("postgresql " + server_ + ": cannot connect: out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw StoreUnavailable("postgresql " + server_ + ": cannot connect: " + one_line(PQerrorMessage(conn_.get())));
    // The default processor prints notices ("relation already exists,
    // skipping") on stderr, which is a server's log: nothing there needs them.
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
}

Result Connection::exec(std::string_view sql, const std::vector<Param>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.text ? p.text->c_str() : nullptr);
    const std::string statement(sql);
    return check(PQexecParams(conn_.get(), statement.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                              nullptr, nullptr, 0),
                 statement);
}

void Connection::send(std::string_view sql) {
    sent_.assign(sql);
    if (PQsendQueryParams(conn_.get(), sent_.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 0)
        fail(nullptr, sent_);
}

Result Connection::receive() {
    pg_result* r = PQgetResult(conn_.get());
    // One statement, one result: the next is the null that ends it.
    while (pg_result* extra = PQgetResult(conn_.get())) PQclear(extra);
    return check(r, sent_);
}

void Connection::exec_script(std::string_view sql) {
    const std::string script(sql);
    // PQexec stops at the first failing statement and returns its error as
    // the last result, so one check covers the script.
    check(PQexec(conn_.get(), script.c_str()), script);
}

Result Connection::check(pg_result* r, std::string_view what) {
    const auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Result(r);
    fail(r, what);
}

void Connection::fail(pg_result* r, std::string_view what) {
    const std::unique_ptr<pg_result, ResultDeleter> owned(r);
    const std::string sqlstate = field(r, PG_DIAG_SQLSTATE);
    std::string message = field(r, PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) message = one_line(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
    if (message.empty()) message = one_line(PQerrorMessage(conn_.get()));
    if (const std::string detail = field(r, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) message += ": " + detail;
    // The statement's first line says which one failed without quoting a
    // whole migration; parameters are never part of it.
    const std::string_view first_line = what.substr(0, what.find('\n'));
    message += " (in: " + std::string(first_line.substr(0, 80)) + (first_line.size() > 80 ? "...)" : ")");
    FailureKind kind = classify_sqlstate(sqlstate);
    // A lost connection often has no SQLSTATE (libpq noticed the socket
    // close before any message): the status says it all.
    if (PQstatus(conn_.get()) != CONNECTION_OK) kind = FailureKind::unavailable;
    if (kind == FailureKind::unavailable) broken_ = true;
    throw_failure(kind, server_, message, sqlstate);
}

bool Connection::reusable() const {
    return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
}

bool Connection::healthy_when_idle() const {
    if (!reusable()) return false;
    pollfd p{PQsocket(conn_.get()), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

int Connection::backend_pid() const {
    return PQbackendPID(conn_.get());
}

}  // namespace usage::pg
