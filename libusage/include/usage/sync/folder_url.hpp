// usage/sync/folder_url.hpp — `sync.endpoint: file:///path/to/folder`: a
// team without a server shares a folder (git, Dropbox, a network share)
// instead of an endpoint (docs/folder-sync.md). This is the one reading of
// such a URL, for the config check, the push and the status.
#pragma once

#include <filesystem>
#include <string_view>

namespace usage::sync {

/// Whether `url` names a folder (its scheme is `file:`, any case), i.e. the
/// push writes segments instead of POSTing batches.
bool is_folder_url(std::string_view url);

/// The absolute folder of `file:///ABSOLUTE/PATH` (percent escapes such as
/// %20 decoded). Throws std::invalid_argument with the reason when the URL
/// has a host, a relative path or a bad escape: a relative folder would
/// depend on where the agent happens to be started.
std::filesystem::path folder_of_url(std::string_view url);

}  // namespace usage::sync
