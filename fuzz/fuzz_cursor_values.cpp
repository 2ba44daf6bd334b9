// Feeds one value of Cursor's cursorDiskKV table to parse_bubble and
// parse_composer (every value is tried as both, as a key can be reused by
// any Cursor version), then the model mapping and uri_path on what they read,
// and uri_path on the raw bytes. The values are another program's JSON BLOBs.
#include <cstddef>
#include <cstdint>

#include "cursor_models.hpp"
#include "cursor_values.hpp"
#include "fuzz_input.hpp"

namespace cursor = usage::plugins::cursor;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view value = fuzz::as_text(data, size);
    cursor::ValueParser parser;
    if (auto bubble = cursor::parse_bubble(parser, value)) {
        (void)cursor::map_cursor_model(bubble->model);
        (void)cursor::uri_path(bubble->workspace_uri);
    }
    if (auto composer = cursor::parse_composer(parser, value)) (void)cursor::map_cursor_model(composer->model);
    (void)cursor::uri_path(value);
    return 0;
}
