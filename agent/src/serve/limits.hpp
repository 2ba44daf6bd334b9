// What one request or connection of `usage-agent serve` may cost the server.
// docs/sync-protocol.md states the ingest limits; agents size their batches
// well below them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace agent::serve {

/// Request body as received (gzip-compressed for ingest). A Content-Length
/// above it is refused from the header alone, before the body is read.
inline constexpr std::uint64_t kMaxBodyBytes = 16u << 20;
/// What a gzip body may expand to: a "gzip bomb" stops here.
inline constexpr std::size_t kMaxInflatedBytes = 64u << 20;
inline constexpr std::size_t kMaxEventsPerBatch = 10'000;
inline constexpr std::uint32_t kMaxHeaderBytes = 16u << 10;

/// Waiting for (the header of) the next request on a connection, idle
/// keep-alive included.
inline constexpr std::chrono::seconds kHeaderTimeout{60};
/// A new connection's first request header: a client that connects and
/// sends nothing holds a slot for this long at most.
inline constexpr std::chrono::seconds kFirstHeaderTimeout{10};
/// Receiving a body once its header arrived (16 MiB over a slow link).
inline constexpr std::chrono::seconds kBodyTimeout{300};
inline constexpr std::chrono::seconds kWriteTimeout{60};
/// After answering before a body was read (413, 401, ...), the rest of the
/// body is read and dropped for at most this long before closing, so the
/// client sees the answer instead of a connection reset.
inline constexpr std::chrono::seconds kLingerTimeout{5};
inline constexpr std::size_t kMaxLingerBytes = 64u << 20;
/// SIGTERM: requests still running after this are cut.
inline constexpr std::chrono::seconds kShutdownGrace{30};
/// Connections held at once. A connection accepted beyond it takes the slot
/// of one waiting for a header (idle, or sending one slowly): the longest
/// waiting of the address holding the most connections, so a flood of idle
/// connections from one address cannot keep others (or /healthz) out. When
/// every connection is busy with a request, the new one is closed.
inline constexpr std::size_t kMaxConnections = 512;

/// `Retry-After` of a 503 (store busy or failing).
inline constexpr int kRetryAfterSeconds = 5;

/// Paging of the read API.
inline constexpr std::int64_t kDefaultSessionsLimit = 100;
inline constexpr std::int64_t kMaxLimit = 10'000;

}  // namespace agent::serve
