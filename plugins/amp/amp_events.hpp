// Turns a parsed Amp thread into usage events: the ledger's events when the
// thread has a usage ledger, else the messages' own usage (never both).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "amp_thread_parser.hpp"
#include "usage/model/event.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins::amp {

/// The events of `thread` (ids `amp:<threadId>:<messageId>` or
/// `amp:<threadId>:<ledger event id>`); skipped invalid figures go to
/// `result.invalid`. `file` names the thread when the document does not.
void collect_amp_events(const AmpThread& thread, const SourceFile& file, ScanResult& result);

/// The local path of a `file://` URI (percent-decoded); empty for other schemes.
std::string path_of_file_uri(std::string_view uri);

}  // namespace usage::plugins::amp
