#include "store/postgres/pg_error.hpp"

#include "usage/store/store_failure.hpp"

namespace usage::pg {

FailureKind classify_sqlstate(std::string_view sqlstate) noexcept {
    if (sqlstate.size() != 5) return FailureKind::other;
    const std::string_view cls = sqlstate.substr(0, 2);
    // 08: connection exception; 53: insufficient resources (disk full, out
    // of memory, too many connections); 57P01..57P03: admin shutdown, crash
    // shutdown, cannot connect now (starting up). None is cured by changing
    // the request; all may pass by themselves.
    if (cls == "08" || cls == "53") return FailureKind::unavailable;
    if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") return FailureKind::unavailable;
    if (sqlstate == "40001" || sqlstate == "40P01") return FailureKind::retryable;
    return FailureKind::other;
}

void throw_failure(FailureKind kind, const std::string& server, const std::string& message,
                   const std::string& sqlstate) {
    std::string text = "postgresql " + server + ": " + message;
    if (!sqlstate.empty()) text += " (SQLSTATE " + sqlstate + ")";
    switch (kind) {
        case FailureKind::unavailable: throw StoreUnavailable(text);
        case FailureKind::retryable: throw PgRetryable(text, sqlstate);
        case FailureKind::other: break;
    }
    throw PgError(text, sqlstate);
}

}  // namespace usage::pg
