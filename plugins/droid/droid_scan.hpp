// Reading one `<session>.settings.json`: the difference of its tokenUsage to
// what was counted before becomes the session's next event(s).
#pragma once

#include <string>

#include "usage/scan/source.hpp"

namespace usage::plugins::droid {

/// Settings files are a few KiB; one larger than this is not one.
inline constexpr std::size_t kMaxSettingsBytes = std::size_t{16} << 20;

/// The events of the growth since `state` and the new state. The event is
/// dated at the file's mtime (when Droid wrote the totals), its project is
/// the `cwd` of the sibling transcript's session_start line, else the
/// folder's slug (`file.project_hint`). Throws std::runtime_error naming the
/// file when it cannot be read.
ScanResult scan_settings_file(const SourceFile& file, const std::string& state);

}  // namespace usage::plugins::droid
