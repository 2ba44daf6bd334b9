// `POST /v1/ingest` (docs/sync-protocol.md): decode a protocol v1 batch and
// upsert it for the token's user.
#pragma once

#include <string>

#include "http_message.hpp"
#include "usage/store/store.hpp"

namespace agent::serve {

/// The body is complete (the session enforced kMaxBodyBytes). 200 with the
/// counts; 400 bad gzip/JSON/field/protocol; 413 inflates too far or too many
/// events; 415 unknown Content-Encoding. Store failures propagate (the router
/// answers 503).
Response handle_ingest(const Request& req, usage::Store& store, const std::string& user);

}  // namespace agent::serve
