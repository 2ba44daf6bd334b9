// Feeds a body to decode_batch, what `serve --ingest` does with every upload
// after gzip; an accepted batch, encoded again, must decode to the same text.
// Whatever the quick decoder accepts, the strict one must accept and read the
// same (sync/batch_fast_decode.hpp).
// The agent's decoders of an endpoint's answers (decode_result, error_reason)
// get the same bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_input.hpp"
#include "sync/batch_fast_decode.hpp"
#include "usage/sync/protocol.hpp"

namespace proto = usage::sync;  // not `sync`: unistd.h declares ::sync()

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    if (const auto fast = proto::detail::decode_batch_fast(text)) {
        std::optional<proto::IngestBatch> strict;
        try {
            strict = proto::detail::decode_batch_strict(text);
        } catch (const proto::ProtocolError&) {
            __builtin_trap();  // the quick decoder let through what the strict one refuses
        }
        if (proto::encode_batch(*fast) != proto::encode_batch(*strict)) __builtin_trap();
    }
    std::optional<proto::IngestBatch> batch;
    try {
        batch = proto::decode_batch(text);
    } catch (const proto::ProtocolError& e) {
        (void)proto::refused_event_index(e.what());
    }
    if (batch) {
        for (const auto& event : batch->events) (void)proto::encode_event(event);
        // An accepted batch is one an agent could have sent: encoding it again
        // must give a batch the endpoint accepts (a ProtocolError escaping
        // here is a finding), unchanged.
        const std::string encoded = proto::encode_batch(*batch);
        if (proto::encode_batch(proto::decode_batch(encoded)) != encoded) __builtin_trap();
    }
    try {
        (void)proto::decode_result(text);
    } catch (const proto::ProtocolError&) {
    }
    (void)proto::refused_event_index(proto::error_reason(text));
    return 0;
}
