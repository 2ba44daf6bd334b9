// The `tokens` table (schema migration 2): lookups by hash through its
// UNIQUE index, so the secret is never compared in application code.
#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>

#include "store/sqlite/sqlite_backend.hpp"

namespace usage::detail {
namespace {

constexpr const char* kColumns = "SELECT id, prefix, user, role, created_ms, revoked_ms FROM tokens";

TokenRecord read_token(const SQLite::Statement& st) {
    TokenRecord t;
    t.id = st.getColumn(0).getInt64();
    t.prefix = st.getColumn(1).getString();
    t.user = st.getColumn(2).getString();
    t.role = st.getColumn(3).getString();
    t.created_ms = st.getColumn(4).getInt64();
    if (!st.getColumn(5).isNull()) t.revoked_ms = st.getColumn(5).getInt64();
    return t;
}

}  // namespace

std::int64_t SqliteBackend::add_token(const std::string& hash, const std::string& prefix, const std::string& user,
                                      const std::string& role, std::int64_t now_ms) {
    auto& db = *db_;
    SQLite::Statement st(db,
                         "INSERT INTO tokens (hash, prefix, user, role, created_ms) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT (hash) DO NOTHING");
    st.bind(1, hash);
    st.bind(2, prefix);
    st.bind(3, user);
    st.bind(4, role);
    st.bind(5, static_cast<std::int64_t>(now_ms));
    if (st.exec() != 1) throw std::runtime_error(display() + ": a token with this hash already exists");
    return db.getLastInsertRowid();
}

std::optional<TokenRecord> SqliteBackend::find_token(const std::string& hash) const {
    SQLite::Statement st(*db_, std::string(kColumns) + " WHERE hash = ?");
    st.bind(1, hash);
    if (st.executeStep()) return read_token(st);
    return std::nullopt;
}

std::vector<TokenRecord> SqliteBackend::list_tokens() const {
    SQLite::Statement st(*db_, std::string(kColumns) + " ORDER BY id");
    std::vector<TokenRecord> out;
    while (st.executeStep()) out.push_back(read_token(st));
    return out;
}

bool SqliteBackend::revoke_token(std::int64_t id, std::int64_t now_ms) {
    auto& db = *db_;
    SQLite::Statement exists(db, "SELECT 1 FROM tokens WHERE id = ?");
    exists.bind(1, static_cast<std::int64_t>(id));
    if (!exists.executeStep()) return false;
    SQLite::Statement st(db, "UPDATE tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL");
    st.bind(1, static_cast<std::int64_t>(now_ms));
    st.bind(2, static_cast<std::int64_t>(id));
    st.exec();
    return true;
}

}  // namespace usage::detail
