// Turns the message records of one session file into usage events.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "gemini_record_parser.hpp"
#include "usage/model/event.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins::gemini {

/// Collects the billable messages of one scan of one file. A message id can
/// appear more than once in a file (JSONL re-appends a message whenever it
/// changes, e.g. when its tokens arrive; `$set.messages` repeats them all):
/// copies merge into one event. Ids are finished once the session id is
/// known, which for a legacy document may come after its messages.
class EventCollector {
public:
    /// `last_model`: the model of the file's last billable message in an
    /// earlier scan (JSONL continues from an offset), used to fill a message
    /// that names none.
    EventCollector(const SourceFile& file, std::string last_model);

    /// Keep `m` if it is a model call: type `gemini` with a non-zero `tokens`,
    /// or a call that failed (GeminiMessage::is_failed_call).
    void add(const GeminiMessage& m);

    /// The events, with ids `gemini-cli:<sessionId>:<message id>` and session,
    /// project and model filled in. `meta` is what the file said about itself.
    std::vector<UsageEvent> finish(const GeminiMeta& meta);

    /// The last model named by a message of this file (for the next scan).
    [[nodiscard]] const std::string& last_model() const { return last_model_; }

private:
    const SourceFile* file_;
    std::string previous_model_;  ///< from the earlier scan
    std::string last_model_;
    std::vector<UsageEvent> events_;  ///< `id` holds the bare message id until finish()
    std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace usage::plugins::gemini
