// The store's schema as an ordered list of migrations (PRAGMA user_version
// counts how many have been applied). Append, never edit, a migration.
#pragma once

#include <string_view>
#include <vector>

namespace usage::detail {

const std::vector<std::string_view>& store_migrations();

}  // namespace usage::detail
