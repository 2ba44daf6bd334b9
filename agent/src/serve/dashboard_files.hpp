// The dashboard's static files, compiled into the binary at build time by
// cmake/embed_files.cmake: the page (agent/dashboard/) and Chart.js from
// Debian's libjs-chart.js. The page works offline and loads nothing from
// another host; everything it shows comes from the read API.
#pragma once

#include <span>
#include <string_view>

namespace agent::serve {

struct DashboardFile {
    std::string_view url;           ///< the path it is served at ("/" is the page)
    std::string_view content_type;  ///< with its charset
    std::string_view body;
};

/// Every file, in the order the build listed them (generated).
std::span<const DashboardFile> dashboard_files();

}  // namespace agent::serve
