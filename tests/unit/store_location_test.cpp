// Store location strings: the one place a user names a SQLite folder or a
// PostgreSQL server, so every mistake must say which text and what is wrong,
// and nothing printed may show a password.
#include "usage/store/store_location.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

namespace {

using usage::StoreLocation;
using Kind = usage::StoreLocation::Kind;

std::string refusal(const std::string& text) {
    try {
        (void)StoreLocation::parse(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("store location: sqlite:/// and a bare path name the folder that holds usage.db") {
    const auto uri = StoreLocation::parse("sqlite:///var/lib/usage-agent");
    CHECK(uri.kind == Kind::sqlite);
    CHECK(uri.sqlite_dir == "/var/lib/usage-agent");
    CHECK(uri.postgres_uri.empty());
    CHECK(uri.display() == "/var/lib/usage-agent/usage.db");

    CHECK(StoreLocation::parse("/var/lib/usage-agent") == uri);
    CHECK(StoreLocation::parse("SQLite:///var/lib/usage-agent") == uri);

    const auto relative = StoreLocation::parse("state/team");
    CHECK(relative.kind == Kind::sqlite);
    CHECK(relative.sqlite_dir == "state/team");
    CHECK(relative.display() == "state/team/usage.db");

    // %-escapes are decoded in the URI form (a space, '?', '#'), not in a bare path.
    CHECK(StoreLocation::parse("sqlite:///srv/my%20team%3F%23").sqlite_dir == "/srv/my team?#");
    CHECK(StoreLocation::parse("/srv/my%20team").sqlite_dir == "/srv/my%20team");
    CHECK(StoreLocation::parse("sqlite:///").sqlite_dir == "/");
}

TEST_CASE("store location: postgresql:// and postgres:// URIs are kept as written, displayed without password") {
    const std::string text = "postgresql://alice:s3cret@db.example:5433/usage?sslmode=require&connect_timeout=3";
    const auto loc = StoreLocation::parse(text);
    CHECK(loc.kind == Kind::postgres);
    CHECK(loc.postgres_uri == text);
    CHECK(loc.sqlite_dir.empty());
    CHECK(loc.display() == "postgresql://alice:***@db.example:5433/usage?sslmode=require&connect_timeout=3");

    const auto short_form = StoreLocation::parse("postgres://bob@localhost/team");
    CHECK(short_form.kind == Kind::postgres);
    CHECK(short_form.display() == "postgres://bob@localhost/team");

    CHECK(StoreLocation::parse("postgresql://").display() == "postgresql://");
    CHECK(StoreLocation::parse("postgresql://[::1]:5432/db?password=hunter2&user=x").display() ==
          "postgresql://[::1]:5432/db?password=***&user=x");
    CHECK(StoreLocation::parse("postgresql://h1:5432,h2:5433/db?target_session_attrs=read-write").display() ==
          "postgresql://h1:5432,h2:5433/db?target_session_attrs=read-write");
}

TEST_CASE("store location: hide_uri_password") {
    CHECK(usage::hide_uri_password("postgresql://u:p@h/d") == "postgresql://u:***@h/d");
    CHECK(usage::hide_uri_password("postgresql://u:@h/d") == "postgresql://u:***@h/d");
    CHECK(usage::hide_uri_password("postgresql://u@h/d?password=p&password=q") ==
          "postgresql://u@h/d?password=***&password=***");
    // libpq's reading: the user part ends at the first '@' before any '/'.
    CHECK(usage::hide_uri_password("postgresql://h/d@x") == "postgresql://h/d@x");
    CHECK(usage::hide_uri_password("/not/a/uri") == "/not/a/uri");
}

TEST_CASE("store location: mistakes are refused naming the text, with the password hidden") {
    CHECK(refusal("") ==
          "store location is empty; write a folder, sqlite:///ABSOLUTE/FOLDER or postgresql://USER@HOST:PORT/DB");
    CHECK(refusal("mysql://root:pw@db/usage") ==
          "store location 'mysql://root:***@db/usage': unknown scheme 'mysql'; write a folder, "
          "sqlite:///ABSOLUTE/FOLDER or postgresql://USER@HOST:PORT/DB");
    CHECK(refusal("sqlite://host/var/lib") ==
          "store location 'sqlite://host/var/lib': a sqlite location has no host and an absolute path: "
          "sqlite:///ABSOLUTE/FOLDER (three slashes)");
    CHECK(refusal("sqlite://relative") ==
          "store location 'sqlite://relative': a sqlite location has no host and an absolute path: "
          "sqlite:///ABSOLUTE/FOLDER (three slashes)");
    CHECK(refusal("sqlite:/var/lib") ==
          "store location 'sqlite:/var/lib': a sqlite location is sqlite:///ABSOLUTE/FOLDER");
    CHECK(refusal("sqlite:///var/lib/usage.db") ==
          "store location 'sqlite:///var/lib/usage.db': names a database file; a sqlite location is the folder "
          "that holds usage.db");
    CHECK(refusal("/var/lib/team.sqlite") ==
          "store location '/var/lib/team.sqlite': names a database file; a sqlite location is the folder that "
          "holds usage.db");
    CHECK(refusal("sqlite:///var/lib?mode=ro") ==
          "store location 'sqlite:///var/lib?mode=ro': a sqlite location takes no options ('?' or '#'; in a folder "
          "name write %3F, %23)");
    CHECK(refusal("sqlite:///var/l%zzib") ==
          "store location 'sqlite:///var/l%zzib': '%' must be followed by two hex digits (a '%' itself is %25)");
    CHECK(refusal("sqlite:///var/lib%") ==
          "store location 'sqlite:///var/lib%': '%' must be followed by two hex digits (a '%' itself is %25)");
    CHECK(refusal("sqlite:///var/%00") == "store location 'sqlite:///var/%00': %00 cannot be part of a path");
}

#ifdef USAGE_WITH_POSTGRES
TEST_CASE("store location: a URI libpq cannot parse is refused with libpq's reason, password hidden") {
    CHECK(refusal("postgresql://alice:s3cret@db/usage?bogus=1") ==
          "store location 'postgresql://alice:***@db/usage?bogus=1': invalid PostgreSQL connection string: invalid "
          "URI query parameter: \"bogus\"");
    // libpq quotes the whole URI, or the piece it could not decode: the
    // password is hidden in both.
    CHECK(refusal("postgresql://alice:s3cret@[::1/usage") ==
          "store location 'postgresql://alice:***@[::1/usage': invalid PostgreSQL connection string: end of string "
          "reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://alice:***@[::1/usage\"");
    CHECK(refusal("postgresql://alice:s3%zzcret@db/usage") ==
          "store location 'postgresql://alice:***@db/usage': invalid PostgreSQL connection string: invalid "
          "percent-encoded token: \"***\"");
}
#endif
