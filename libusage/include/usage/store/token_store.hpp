// usage/store/token_store.hpp — the bearer tokens of a team endpoint (`serve
// --ingest`), kept in the store's `tokens` table. Only a token's hash and a
// short prefix are stored; making tokens and hashing them is the caller's
// business (the library has no crypto dependency).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "usage/store/store.hpp"

namespace usage {

struct TokenRecord {
    std::int64_t id = 0;
    std::string prefix;  ///< first characters of the token, to recognise it
    std::string user;
    std::string role;  ///< member | manager | admin
    std::int64_t created_ms = 0;
    std::optional<std::int64_t> revoked_ms;
};

/// Insert a token by its hash; returns its id. Throws std::runtime_error when
/// the hash is already known.
std::int64_t add_token(Store& store, const std::string& hash, const std::string& prefix, const std::string& user,
                       const std::string& role, std::int64_t now_ms);

/// The token with this hash, revoked or not.
std::optional<TokenRecord> find_token(const Store& store, const std::string& hash);

/// Every token, oldest first.
std::vector<TokenRecord> list_tokens(const Store& store);

/// Revoke a token (the first revocation time is kept). Returns false when no
/// token has this id.
bool revoke_token(Store& store, std::int64_t id, std::int64_t now_ms);

}  // namespace usage
