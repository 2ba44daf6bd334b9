// usage/scan/source.hpp — the interface every source plugin implements.
//
// A plugin knows one tool's files: where they live (discover) and how to turn
// their bytes into UsageEvents (scan). It never touches the store or the
// network: the sync engine owns cursors, transactions and pricing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usage/config/environment.hpp"
#include "usage/config/option.hpp"
#include "usage/model/event.hpp"
#include "usage/model/limit_snapshot.hpp"
#include "usage/model/token_limits.hpp"
#include "usage/scan/file_cursor.hpp"

namespace usage {

/// How the engine decides whether a file needs scanning again.
enum class ReadMode {
    /// Append-only text (JSONL): continue from the saved offset while the
    /// bytes before it are unchanged, else read again from 0 with no state.
    append_lines,
    /// A file rewritten in place (a SQLite database, a whole-JSON document):
    /// any change of `stat` means scan again from the saved *state* (offset
    /// 0); a different inode means a new file (empty state). The plugin keeps
    /// its own mark in the state (e.g. the last `time_updated` seen), and may
    /// fold companion files (a `-wal`) into `stat` so their changes count.
    snapshot,
    /// A file (or database) that holds only running totals the tool rewrites
    /// (Goose's sessions, Droid's settings.json). Read whole like a snapshot
    /// whenever `stat` changes, but the saved *state* — what the plugin has
    /// already counted — is kept when the inode changes (a rename-replace
    /// rewrite) and across `sync --full-rescan`: reading the totals again
    /// without that memory would count them twice. The plugin emits the
    /// difference to its state as events whose ids stay stable.
    cumulative,
};

/// One file (or database) a plugin will scan.
struct SourceFile {
    std::filesystem::path path;
    /// Plugin-defined role of the file (e.g. "main", "subagent").
    std::string kind;
    /// Session the file's events belong to when lines do not say it.
    std::string session_hint;
    /// Project name to use when lines do not say it (e.g. a folder slug).
    std::string project_hint;
    /// stat(2) taken during discovery, if the plugin took one (inode != 0):
    /// saves the engine a second stat per file on every warm run.
    FileStat stat;
    ReadMode mode = ReadMode::append_lines;
};

/// What a plugin is told about where to look.
struct DiscoveryContext {
    const Environment* env = nullptr;
    /// Extra roots from the config (`sources.<name>.paths`).
    std::vector<std::filesystem::path> extra_paths;
    /// The plugin's own config keys (config_options()), defaults filled in.
    std::map<std::string, OptionValue> options = {};
};

/// Where a scan starts and what it carried over from the previous scan.
struct ScanStart {
    std::uint64_t offset = 0;  ///< byte offset after the last complete line read
    std::string state;         ///< plugin-defined state persisted with the cursor
};

/// What one scan of one file produced.
struct ScanResult {
    std::vector<UsageEvent> events;
    std::uint64_t offset = 0;  ///< new offset after the last complete line
    std::string state;         ///< new plugin state to persist
    std::uint64_t bytes_read = 0;
    std::uint64_t malformed_lines = 0;  ///< lines that looked relevant but did not parse
    /// Events skipped because a count broke the rule of usage/model/token_limits.hpp
    /// (never in `events`). A plugin may leave the first one's line as a byte
    /// offset: the engine turns it into a line number for the warning.
    InvalidEvents invalid;

    /// Set by an importer whose file is the complete record of the source over
    /// a time span (e.g. Cursor's dashboard export). Every `replay` event of
    /// the same source with a timestamp in [from_ms, to_ms] (partial local
    /// copies of calls the export lists) is superseded, whether it was stored
    /// before the import or arrives after it.
    struct Coverage {
        std::int64_t from_ms = 0;
        std::int64_t to_ms = 0;
    };
    std::optional<Coverage> covers;

    /// Rate-limit readings of the plan the lines carried (e.g. Codex's
    /// `rate_limits`): at most the latest one per window, which the engine
    /// passes to the store (usage/store/limit_store.hpp). Never events.
    std::vector<LimitSnapshot> limits;
};

/// A plugin's rename of a model for pricing: the tool writes names of its own
/// (`claude-4.5-sonnet`) that no price list uses, so the plugin stores the
/// provider's id in `UsageEvent::pricing_model` and the name stays in `model`.
struct ModelNameMapping {
    std::string pricing_model;  ///< the id the events are priced with
    std::string rule;           ///< what the mapping is, for people: "Cursor model name"
};

/// A source of usage events. Implementations must be safe to call from
/// several threads at once for different files (no mutable members).
class SourcePlugin {
public:
    virtual ~SourcePlugin() = default;

    /// Stable source name, e.g. `claude-code`.
    [[nodiscard]] virtual std::string_view name() const = 0;
    /// One-line description for `--help` and docs.
    [[nodiscard]] virtual std::string_view description() const = 0;
    /// Every root folder the tool may write to, existing or not.
    [[nodiscard]] virtual std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const = 0;
    /// The environment variables that move or replace those roots (for the
    /// message that tells a user where nothing was found and how to point us
    /// elsewhere).
    [[nodiscard]] virtual std::vector<std::string_view> root_variables() const { return {}; }
    /// Every transcript file below the given existing roots.
    [[nodiscard]] virtual std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const = 0;
    /// Read `file` from `start` and return the events of every complete line.
    /// Throws std::runtime_error naming the file on I/O failure.
    [[nodiscard]] virtual ScanResult scan(const SourceFile& file, const ScanStart& start) const = 0;

    /// Roots of the tool's Windows-side data below one Windows user's home
    /// (seen from WSL as e.g. /mnt/c/Users/<name>). Events from files found
    /// there are attributed to the machine's Windows side.
    [[nodiscard]] virtual std::vector<std::filesystem::path> windows_roots(
        const std::filesystem::path& /*windows_home*/) const {
        return {};
    }

    /// The mapping this plugin applies when its events name `model`, exactly
    /// as it fills `UsageEvent::pricing_model`; nullopt when it prices the
    /// name as written. `prices MODEL` shows it, so it must agree with scan().
    [[nodiscard]] virtual std::optional<ModelNameMapping> map_model_name(std::string_view /*model*/) const {
        return std::nullopt;
    }

    /// How long `usage-agent run` waits at least between two scans of this
    /// source while its files keep changing (`sources.<name>.min_interval`
    /// overrides it). 0 for transcripts that only grow; a few seconds for a
    /// source whose data is one database an editor writes all the time, where
    /// each scan reads the whole file.
    [[nodiscard]] virtual int default_min_interval_seconds() const { return 0; }

    /// Config keys of this source beyond the ones every source has (enabled,
    /// paths, min_interval): `sources.<name>.<key>`, checked, shown, written
    /// by `config init` and listed in the docs like every other key. Their
    /// values reach roots() in DiscoveryContext::options.
    [[nodiscard]] virtual std::vector<OptionSpec> config_options() const { return {}; }

    /// Names of files a user exports by hand that this plugin can import
    /// (`usage-agent import NAME FILE`), e.g. "cursor-csv".
    [[nodiscard]] virtual std::vector<std::string> importers() const { return {}; }
    /// Parse an exported file for `importer` (one of importers()). Throws
    /// std::runtime_error naming the file and line on bad input.
    [[nodiscard]] virtual ScanResult import_file(std::string_view importer, const std::filesystem::path& file) const;
};

/// The plugin registry: the one place where the plugins are listed. The table
/// is generated by CMake from the folders under plugins/.
const std::vector<std::unique_ptr<SourcePlugin>>& source_plugins();
/// The plugin called `name`, or nullptr.
const SourcePlugin* find_source_plugin(std::string_view name);

/// A mapping of one plugin that prices a model under another id.
struct SourceModelMapping {
    std::string source;  ///< the plugin's name
    ModelNameMapping mapping;
};
/// Every plugin's mapping of `model` to an id other than `model` itself, in
/// registry order: how a report prices that name for each source.
std::vector<SourceModelMapping> model_name_mappings(std::string_view model);

}  // namespace usage
