// usage/store/store_location.hpp — where a store lives, as one string a user
// writes on a command line or in a config file:
//
//   sqlite:///var/lib/usage-agent     the folder that holds usage.db (the same
//   /var/lib/usage-agent              meaning as --state-dir; a bare path may
//                                     be relative)
//   postgresql://user@host:5432/db?sslmode=require   a libpq URI, passed to
//   postgres://user@host/db                          libpq as written
//
// A sqlite location names the folder, not the file, so it means what
// --state-dir and USAGE_AGENT_STATE_DIR already mean. The URI keeps any
// password it holds (libpq needs it); display() is what may be printed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace usage {

struct StoreLocation {
    enum class Kind { sqlite, postgres };

    Kind kind = Kind::sqlite;
    /// sqlite: the folder of usage.db, percent-escapes decoded.
    std::filesystem::path sqlite_dir;
    /// postgres: the URI exactly as given, password included: hand it to
    /// libpq, never to a message or a log.
    std::string postgres_uri;

    /// Parses `text`. Throws std::invalid_argument naming the text (with any
    /// password hidden) and what is wrong: empty, an unknown scheme, a
    /// sqlite:// location that is not an absolute path (sqlite://host/...,
    /// sqlite://relative), one that names a database file (*.db, *.sqlite)
    /// instead of its folder, a bad %-escape, or a URI libpq cannot parse
    /// (checked when the library is built with PostgreSQL).
    static StoreLocation parse(std::string_view text);

    /// For messages and logs: the sqlite file (`/var/lib/usage-agent/usage.db`)
    /// or the URI with its password replaced by `***` (in the user part and
    /// in a `password=` parameter).
    [[nodiscard]] std::string display() const;

    friend bool operator==(const StoreLocation&, const StoreLocation&) = default;
};

/// `uri` with any password replaced by `***`: the `user:password@` part and
/// `password=` parameters. Text that is not a URI comes back unchanged.
std::string hide_uri_password(std::string_view uri);

}  // namespace usage
