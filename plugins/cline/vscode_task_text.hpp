// Reading a task folder's JSON files whole, and the facts the tools embed in
// prompt text (`<environment_details>`): the model tag and the workspace.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace usage::plugins::vscode_tasks {

/// A whole file followed by simdjson's padding: `data()` holds size() + padding bytes.
struct PaddedFile {
    std::string bytes;  ///< content then SIMDJSON_PADDING zero bytes
    std::size_t size = 0;
    [[nodiscard]] std::string_view text() const { return {bytes.data(), size}; }
};

/// The largest task file read: a ui_messages.json with inline screenshots
/// runs to a few MB; past this it is not a task file.
inline constexpr std::uint64_t kMaxTaskFileBytes = std::uint64_t{512} << 20;

/// Read `path` whole (regular files only, never blocking on a FIFO).
/// Throws std::runtime_error naming the file when it cannot be read or is
/// larger than kMaxTaskFileBytes.
PaddedFile read_padded_file(const std::filesystem::path& path);

/// The same, or nullopt-like empty result (size 0, `found` false) when the
/// file does not exist or cannot be read: for the optional companion files.
struct OptionalFile {
    bool found = false;
    PaddedFile file;
};
OptionalFile read_optional_file(const std::filesystem::path& path);

/// The model id of Roo's and Kilo's `<model>ID</model>` line (Current Mode
/// section of environment_details), or empty.
std::string tagged_model(std::string_view prompt);

/// The workspace folder of `# Current Working Directory (PATH) Files` (Cline)
/// or `# Current Workspace Directory (PATH) Files` (Roo, Kilo), or empty.
/// Cline's multi-root form `(Primary: NAME)` names no path: empty.
std::string workspace_dir(std::string_view prompt);

/// The last component of a POSIX or Windows path (`c:/a/b` -> `b`).
std::string last_component(std::string_view path);

}  // namespace usage::plugins::vscode_tasks
