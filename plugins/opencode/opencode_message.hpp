// One OpenCode message (the `message.data` column of the database, or a
// whole legacy `storage/message/<session>/<message>.json` file) and the usage
// event it becomes.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "usage/model/event.hpp"
#include "usage/scan/ondemand_values.hpp"

namespace usage::plugins::opencode {

/// simdjson needs this many readable bytes after a document.
inline constexpr std::size_t kJsonPadding = simdjson::SIMDJSON_PADDING;

/// What an assistant message says about its model call.
struct MessageUsage {
    std::string id;          ///< legacy files only: the database keeps it in a column
    std::string session_id;  ///< legacy files only (`sessionID`)
    std::string model;       ///< `modelID`
    std::string provider;    ///< `providerID`
    std::string path_root;   ///< `path.root` (the git worktree, "/" outside git)
    std::string path_cwd;    ///< `path.cwd`
    std::int64_t created_ms = 0;
    double cost = 0;  ///< USD computed by OpenCode; 0 = unknown or free
    TokenCounts tokens;
    /// Not empty: the call failed (UsageEvent::failure) and used nothing:
    /// `http_429`, `api_error`, `unknown_error`, `provider_auth_error`.
    std::string failure;
    /// The first count or cost that broke the rule of usage/model/token_limits.hpp
    /// (views into the parsed document).
    detail::BadNumber bad;
};

enum class MessageOutcome {
    usage,      ///< an assistant message with tokens or a cost, or a failed call (`failure`)
    skipped,    ///< valid but not billable: a user message, or a call not finished yet (all zero)
    malformed,  ///< not JSON, or an assistant message without a usable `tokens` object
    invalid,    ///< an assistant message whose count or cost breaks the rule: `bad` says which
};

/// Parse one message document. `json` must be followed by kJsonPadding
/// readable bytes (`capacity` >= size + kJsonPadding).
MessageOutcome parse_message(simdjson::ondemand::parser& parser, const char* json, std::size_t size,
                             std::size_t capacity, MessageUsage& out);

/// Where a message's session sits: its root session (subagent sessions fold
/// into it), its direct parent, and the project folder it ran in.
struct SessionPlace {
    std::string root;       ///< the top-level session (the session itself when it has no parent)
    std::string parent;     ///< the direct parent; empty for a top-level session
    std::string directory;  ///< session.directory, else the project's worktree (never "/")
};

/// Which copy of a message an event was read from. The database is the
/// record OpenCode keeps writing; a legacy JSON file is a pre-migration copy
/// that the database row supersedes (see make_event).
enum class Copy { database, legacy_file };

/// The source name OpenCode's events carry; forks that keep OpenCode's
/// storage (Kilo CLI) read it under their own name.
inline constexpr std::string_view kSourceName = "opencode";

/// The normalised event of one assistant message, of `source`: its id and
/// dedup group are `<source>:<message id>:...`.
UsageEvent make_event(const MessageUsage& m, std::string_view message_id, const SessionPlace& place, Copy copy,
                      std::string_view source = kSourceName);

/// Last component of a POSIX or Windows path ("/a/b/" -> "b"; "/" -> "").
std::string last_path_component(std::string_view path);

}  // namespace usage::plugins::opencode
