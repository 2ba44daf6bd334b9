// `serve --open`: show the dashboard in the user's browser once listening.
#pragma once

#include <string>

namespace agent::serve {

/// Starts $BROWSER (its first `:`-separated entry, split at spaces, the URL
/// appended or put in place of `%s`), else xdg-open (Linux) or open
/// (macOS), with `url`, without waiting for it. False, having started
/// nothing, when there is no such program.
bool open_browser(const std::string& url);

}  // namespace agent::serve
