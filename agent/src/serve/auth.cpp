#include "auth.hpp"

#include <cctype>

#include "tokens.hpp"
#include "usage/store/token_store.hpp"

namespace agent::serve {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::optional<Role> role_from_string(std::string_view text) {
    if (text == "member") return Role::member;
    if (text == "manager") return Role::manager;
    if (text == "admin") return Role::admin;
    return std::nullopt;
}

const char* to_string(Role role) {
    switch (role) {
        case Role::member: return "member";
        case Role::manager: return "manager";
        case Role::admin: return "admin";
    }
    return "member";
}

AuthOutcome authenticate(const usage::Store& store, std::string_view authorization) {
    AuthOutcome out;
    authorization = trim(authorization);
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size() || !iequals(authorization.substr(0, scheme.size()), scheme)) {
        out.error = "a bearer token is required (Authorization: Bearer <token>)";
        return out;
    }
    const std::string_view token = trim(authorization.substr(scheme.size()));
    // The lookup goes through the hash's unique index: the secret itself is
    // never compared, so no constant-time comparison is needed.
    const auto record = usage::find_token(store, token_hash(token));
    if (!record) {
        out.error = "unknown token";
        return out;
    }
    if (record->revoked_ms) {
        out.status = http::status::forbidden;
        out.error = "token " + record->prefix + "... was revoked";
        return out;
    }
    const auto role = role_from_string(record->role);
    if (!role) {
        out.status = http::status::forbidden;
        out.error = "token " + record->prefix + "... has an unknown role '" + record->role + "'";
        return out;
    }
    out.principal = Principal{record->user, *role};
    out.status = http::status::ok;
    return out;
}

}  // namespace agent::serve
