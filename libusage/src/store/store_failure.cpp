#include "usage/store/store_failure.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

namespace usage {

// The one place that knows which exception types the backends throw.
std::optional<StoreFailure> store_failure(const std::exception_ptr& error) noexcept {
    if (!error) return std::nullopt;
    try {
        std::rethrow_exception(error);
    } catch (const StoreUnavailable& e) {
        return StoreFailure{e.what(), false};
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xff;  // the primary code of an extended one
        return StoreFailure{e.what(), code == SQLITE_BUSY || code == SQLITE_LOCKED};
    } catch (...) {
        return std::nullopt;
    }
}

}  // namespace usage
