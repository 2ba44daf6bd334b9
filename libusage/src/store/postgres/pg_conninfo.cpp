#include "store/postgres/pg_conninfo.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "store/uri_password.hpp"
#include "usage/store/store_location.hpp"

namespace usage::pg {
namespace {

struct OptionsDeleter {
    void operator()(PQconninfoOption* o) const noexcept { PQconninfoFree(o); }
};
using Options = std::unique_ptr<PQconninfoOption, OptionsDeleter>;

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    if (from.empty()) return;
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
}

// libpq's parse errors quote the whole URI ("unexpected character ... in
// URI: \"postgresql://...\"") or a piece of it ("invalid percent-encoded
// token: \"...\"", which may be the password): neither may reach a message.
std::string redact(std::string message, const std::string& conninfo) {
    replace_all(message, conninfo, hide_uri_password(conninfo));
    for (const auto& [pos, len] : detail::uri_password_spans(conninfo))
        replace_all(message, std::string_view(conninfo).substr(pos, len), "***");
    return message;
}

Options parse(const std::string& conninfo) {
    char* error = nullptr;
    Options options(PQconninfoParse(conninfo.c_str(), &error));
    if (!options) {
        std::string why = redact(error != nullptr ? error : "out of memory", conninfo);
        PQfreemem(error);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        throw std::invalid_argument("invalid PostgreSQL connection string: " + why);
    }
    return options;
}

// The value of `keyword` in `given`, else libpq's default (PGHOST and the
// like included), else empty.
std::string value_of(const PQconninfoOption* given, const PQconninfoOption* defaults, std::string_view keyword) {
    for (const auto* o = given; o->keyword != nullptr; ++o)
        if (keyword == o->keyword && o->val != nullptr && *o->val != '\0') return o->val;
    if (defaults != nullptr)
        for (const auto* o = defaults; o->keyword != nullptr; ++o)
            if (keyword == o->keyword && o->val != nullptr && *o->val != '\0') return o->val;
    return {};
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto comma = s.find(',', start);
        parts.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) return parts;
        start = comma + 1;
    }
}

}  // namespace

void check_conninfo(const std::string& conninfo) {
    (void)parse(conninfo);
}

std::string server_name(const std::string& conninfo) {
    const Options given = parse(conninfo);
    const Options defaults(PQconndefaults());
    std::string hosts = value_of(given.get(), defaults.get(), "host");
    if (hosts.empty()) hosts = value_of(given.get(), defaults.get(), "hostaddr");
    std::string ports = value_of(given.get(), defaults.get(), "port");
    if (ports.empty()) ports = "5432";
    const auto host_list = split_commas(hosts);
    const auto port_list = split_commas(ports);
    std::string name;
    for (std::size_t i = 0; i < host_list.size(); ++i) {
        if (i > 0) name += ',';
        name += host_list[i].empty() ? "local socket" : host_list[i];
        // One port applies to every host; otherwise they pair up (libpq's rule).
        name += ':' + (port_list.size() == 1 ? port_list[0] : i < port_list.size() ? port_list[i] : "5432");
    }
    std::string db = value_of(given.get(), defaults.get(), "dbname");
    if (db.empty()) db = value_of(given.get(), defaults.get(), "user");  // libpq's default database
    return name + '/' + db;
}

}  // namespace usage::pg
