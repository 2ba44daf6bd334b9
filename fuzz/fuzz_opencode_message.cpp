// Feeds one OpenCode message document (a `message.data` value of the
// database, or a legacy storage/message/.../*.json file) to parse_message,
// then makes both copies' events from it as the readers do. The database
// column and the files are written by another program: any text may be there.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "opencode_message.hpp"

using namespace usage;
namespace opencode = usage::plugins::opencode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::PaddedCopy json(fuzz::as_text(data, size), opencode::kJsonPadding);
    simdjson::ondemand::parser parser;
    opencode::MessageUsage m;
    const auto outcome = opencode::parse_message(parser, json.data(), json.size(), json.capacity(), m);
    if (outcome == opencode::MessageOutcome::invalid &&
        (m.bad.at < json.data() || m.bad.at > json.data() + json.size()))
        __builtin_trap();  // the legacy reader turns `at` into a file offset
    if (outcome != opencode::MessageOutcome::usage) return 0;
    const opencode::SessionPlace place{m.session_id, "", ""};
    (void)opencode::make_event(m, m.id, place, opencode::Copy::database);
    (void)opencode::make_event(m, m.id, place, opencode::Copy::legacy_file);
    (void)opencode::last_path_component(m.path_cwd);
    return 0;
}
