// Who is asking: the bearer token of a request resolved to its user and role.
// The user of every ingested event and the scope of every read come from
// here, never from the request body or parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http_message.hpp"
#include "usage/store/store.hpp"

namespace agent::serve {

enum class Role { member, manager, admin };

/// "member", "manager", "admin"; nullopt for anything else.
std::optional<Role> role_from_string(std::string_view text);
/// The role's name, as role_from_string reads it.
const char* to_string(Role role);

struct Principal {
    std::string user;
    Role role = Role::member;
    /// Members read only their own events; managers and admins everyone's.
    [[nodiscard]] bool reads_everyone() const { return role != Role::member; }
};

/// Either a principal, or the refusal to send (401 no/unknown token, 403 revoked).
struct AuthOutcome {
    std::optional<Principal> principal;
    http::status status = http::status::unauthorized;
    std::string error;
};

/// Resolve the `Authorization` header value (`Bearer <token>`).
AuthOutcome authenticate(const usage::Store& store, std::string_view authorization);

}  // namespace agent::serve
