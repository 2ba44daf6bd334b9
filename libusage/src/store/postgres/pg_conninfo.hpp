// What the library says about a libpq connection string without connecting:
// whether libpq accepts it, and the server it names for messages. A
// connection string may hold a password, so it is never printed; these are
// what is printed instead.
#pragma once

#include <string>

namespace usage::pg {

/// Throws std::invalid_argument with libpq's reason when libpq cannot parse
/// `conninfo` (a postgresql:// URI or key=value pairs). Where libpq's reason
/// quotes the URI or a piece of it, its password is replaced by `***`.
void check_conninfo(const std::string& conninfo);

/// `host:port/db` for messages: each host of a multi-host string with its
/// port (`a:5432,b:5433/db`), libpq's defaults (environment included) for
/// what is not given, `local socket` when no host is given at all, a socket
/// directory as it is. Never the user or the password. Throws like
/// check_conninfo.
std::string server_name(const std::string& conninfo);

}  // namespace usage::pg
