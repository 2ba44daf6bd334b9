// Reads an Amp thread file (`threads/T-<uuid>.json`, one JSON object that Amp
// rewrites whole) into the parts that carry usage: the thread's identity and
// project, each message's `usage`, and the legacy `usageLedger.events`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "usage/model/event.hpp"

namespace usage::plugins::amp {

/// A token figure that broke the rule of usage/model/token_limits.hpp.
struct AmpBadNumber {
    std::string field, value, rule;
    std::uint64_t offset = 0;  ///< of the value in the file
    [[nodiscard]] bool found() const { return !field.empty(); }
};

/// `messages[].usage`: inputTokens is the uncached input (the sample's
/// totalInputTokens is input + cache writes + cache reads).
struct AmpMessageUsage {
    std::string model, timestamp;
    std::int64_t input = 0, output = 0, cache_write = 0, cache_read = 0;
    AmpBadNumber bad;
};

struct AmpMessage {
    std::string message_id;  ///< `messageId` as written (a number in every known file)
    std::string role;
    std::optional<AmpMessageUsage> usage;
};

/// `usageLedger.events[]`: one billed operation; its cache figures live on
/// the assistant message it produced (`toMessageId`).
struct AmpLedgerEvent {
    std::string id, timestamp, model, to_message_id;
    std::int64_t input = 0, output = 0;
    AmpBadNumber bad;
};

struct AmpThread {
    std::string id;
    std::int64_t created_ms = 0;
    std::string first_tree_uri;  ///< `env.initial.trees[0].uri`, a file:// URI
    std::vector<AmpMessage> messages;
    bool has_ledger = false;  ///< `usageLedger.events` present (even empty)
    std::vector<AmpLedgerEvent> ledger;
};

/// Parse `data` (`size` bytes followed by at least simdjson's padding in
/// `capacity`). False when the document is not valid JSON (e.g. cut off by a
/// rewrite in progress); `out` is then incomplete.
bool parse_amp_thread(char* data, std::size_t size, std::size_t capacity, AmpThread& out);

}  // namespace usage::plugins::amp
