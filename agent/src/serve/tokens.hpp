// Bearer tokens of the team endpoint: made from OpenSSL's CSPRNG, stored
// only as their SHA-256 (plus a short prefix to recognise them in lists).
#pragma once

#include <string>
#include <string_view>

namespace agent::serve {

/// `ua_` + 32 random bytes in base64url (46 characters).
std::string new_token();
/// Lower-case hex SHA-256 of the token text, as stored in `tokens.hash`.
std::string token_hash(std::string_view token);
/// The first characters kept in `tokens.prefix` (`ua_` + 6).
std::string token_prefix(std::string_view token);

}  // namespace agent::serve
