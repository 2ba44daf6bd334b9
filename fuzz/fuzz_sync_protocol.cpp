// Feeds a body to decode_batch, what `serve --ingest` does with every upload
// after gzip; an accepted batch, encoded again, must decode to the same text.
// The agent's decoders of an endpoint's answers (decode_result, error_reason)
// get the same bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_input.hpp"
#include "usage/sync/protocol.hpp"

namespace sync = usage::sync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    std::optional<sync::IngestBatch> batch;
    try {
        batch = sync::decode_batch(text);
    } catch (const sync::ProtocolError& e) {
        (void)sync::refused_event_index(e.what());
    }
    if (batch) {
        for (const auto& event : batch->events) (void)sync::encode_event(event);
        // An accepted batch is one an agent could have sent: encoding it again
        // must give a batch the endpoint accepts (a ProtocolError escaping
        // here is a finding), unchanged.
        const std::string encoded = sync::encode_batch(*batch);
        if (sync::encode_batch(sync::decode_batch(encoded)) != encoded) __builtin_trap();
    }
    try {
        (void)sync::decode_result(text);
    } catch (const sync::ProtocolError&) {
    }
    (void)sync::refused_event_index(sync::error_reason(text));
    return 0;
}
