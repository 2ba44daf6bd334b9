// Store location strings (usage/store/store_location.hpp). Only the shape is
// checked here; whether the folder or the server is there is for opening.
#include "usage/store/store_location.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "store/uri_password.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "store/postgres/pg_conninfo.hpp"
#endif

namespace usage {
namespace {

constexpr std::string_view usage_hint = "; write a folder, sqlite:///ABSOLUTE/FOLDER or postgresql://USER@HOST:PORT/DB";

[[noreturn]] void refuse(std::string_view text, std::string_view why) {
    throw std::invalid_argument("store location '" + hide_uri_password(text) + "': " + std::string(why));
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    return true;
}

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_scheme(std::string_view s) {
    if (s.empty() || std::isalpha(static_cast<unsigned char>(s[0])) == 0) return false;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') return false;
    return true;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text, std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
        const int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) refuse(text, "'%' must be followed by two hex digits (a '%' itself is %25)");
        if (hi == 0 && lo == 0) refuse(text, "%00 cannot be part of a path");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::filesystem::path sqlite_folder(std::string_view text, std::filesystem::path dir) {
    // A file name here is almost always a mistake for its folder (the store
    // would be <file>/usage.db); say so rather than create that folder.
    const std::string name = dir.filename().string();
    for (std::string_view ext : {".db", ".sqlite", ".sqlite3"})
        if (name.size() > ext.size() && name.ends_with(ext))
            refuse(text, "names a database file; a sqlite location is the folder that holds usage.db");
    return dir;
}

StoreLocation parse_sqlite(std::string_view text) {
    constexpr std::string_view prefix = "sqlite://";
    if (!starts_with_ci(text, prefix)) refuse(text, "a sqlite location is sqlite:///ABSOLUTE/FOLDER");
    const std::string_view rest = text.substr(prefix.size());
    if (rest.empty() || rest.front() != '/')
        refuse(text, "a sqlite location has no host and an absolute path: sqlite:///ABSOLUTE/FOLDER (three slashes)");
    if (rest.find_first_of("?#") != std::string_view::npos)
        refuse(text, "a sqlite location takes no options ('?' or '#'; in a folder name write %3F, %23)");
    StoreLocation loc;
    loc.kind = StoreLocation::Kind::sqlite;
    loc.sqlite_dir = sqlite_folder(text, percent_decode(text, rest));
    return loc;
}

StoreLocation parse_postgres(std::string_view text) {
    StoreLocation loc;
    loc.kind = StoreLocation::Kind::postgres;
    loc.postgres_uri = std::string(text);
#ifdef USAGE_WITH_POSTGRES
    try {
        pg::check_conninfo(loc.postgres_uri);
    } catch (const std::invalid_argument& e) {
        refuse(text, e.what());
    }
#endif
    return loc;
}

}  // namespace

StoreLocation StoreLocation::parse(std::string_view text) {
    if (text.empty()) throw std::invalid_argument("store location is empty" + std::string(usage_hint));
    if (starts_with_ci(text, "postgresql://") || starts_with_ci(text, "postgres://")) return parse_postgres(text);
    if (starts_with_ci(text, "sqlite:")) return parse_sqlite(text);
    if (const auto colon = text.find("://"); colon != std::string_view::npos && is_scheme(text.substr(0, colon)))
        refuse(text, "unknown scheme '" + std::string(text.substr(0, colon)) + "'" + std::string(usage_hint));
    StoreLocation loc;
    loc.kind = Kind::sqlite;
    loc.sqlite_dir = sqlite_folder(text, std::filesystem::path(text));
    return loc;
}

std::string StoreLocation::display() const {
    if (kind == Kind::postgres) return hide_uri_password(postgres_uri);
    return (sqlite_dir / "usage.db").string();
}

std::vector<std::pair<std::size_t, std::size_t>> detail::uri_password_spans(std::string_view uri) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    const auto scheme_end = uri.find("://");
    if (scheme_end == std::string_view::npos) return spans;
    std::size_t pos = scheme_end + 3;
    // As libpq reads it: the user part ends at the first '@' seen before any
    // '/'; its password is what follows the first ':'.
    if (const auto at = uri.find_first_of("@/", pos); at != std::string_view::npos && uri[at] == '@') {
        if (const auto colon = uri.find(':', pos); colon < at) spans.emplace_back(colon + 1, at - colon - 1);
        pos = at + 1;
    }
    const auto query = uri.find('?', pos);
    if (query == std::string_view::npos) return spans;
    constexpr std::string_view key = "password=";
    for (std::size_t p = query + 1; p <= uri.size();) {
        const auto amp = std::min(uri.find('&', p), uri.size());
        if (uri.substr(p, amp - p).starts_with(key)) spans.emplace_back(p + key.size(), amp - p - key.size());
        p = amp + 1;
    }
    return spans;
}

std::string hide_uri_password(std::string_view uri) {
    std::string out;
    std::size_t from = 0;
    for (const auto& [pos, len] : detail::uri_password_spans(uri)) {
        out.append(uri.substr(from, pos - from)).append("***");
        from = pos + len;
    }
    return out.append(uri.substr(from));
}

}  // namespace usage
