#include "dashboard_page.hpp"

#include "dashboard_files.hpp"

namespace agent::serve {
namespace {

// img-src data: is Chart.js's own canvas exports; connect-src 'self' the
// read API. Chart.js sets canvas sizes through the CSSOM, which style-src
// does not govern, so no 'unsafe-inline' is needed anywhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const DashboardFile* find_file(std::string_view path) {
    for (const DashboardFile& f : dashboard_files())
        if (f.url == path) return &f;
    return nullptr;
}

}  // namespace

bool is_dashboard_path(std::string_view path) {
    return find_file(path) != nullptr;
}

Response dashboard_response(const Request& req, std::string_view path) {
    const DashboardFile* file = find_file(path);
    if (!file) return error_response(req, http::status::not_found, "no such path '" + std::string(path) + "'");
    Response res{http::status::ok, req.version()};
    res.set(http::field::server, "usage-agent");
    res.set(http::field::content_type, std::string(file->content_type));
    res.set("Content-Security-Policy", kContentSecurityPolicy);
    res.set("X-Frame-Options", "DENY");
    // The files change only with the binary; `no-cache` revalidates rather
    // than show an old page after an upgrade.
    res.set(http::field::cache_control, "no-cache");
    res.body() = std::string(file->body);
    return res;
}

}  // namespace agent::serve
