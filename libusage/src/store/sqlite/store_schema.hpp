// The store's schema as an ordered list of migrations (PRAGMA user_version
// counts how many have been applied). Append, never edit, a migration.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "usage/model/event.hpp"

namespace SQLite {
class Statement;
}

namespace usage::detail {

const std::vector<std::string_view>& store_migrations();

/// What pricing needs of a stored event, read from columns [first, first + 9)
/// of a row selected as: model, input, output, reasoning, cache_read,
/// cache_write_5m, cache_write_1h, reported_cost_micros, aggregate.
UsageEvent pricing_inputs_from_row(const SQLite::Statement& st, int first);

/// Bind `v` to parameter `index`, or NULL when it is empty.
void bind_optional(SQLite::Statement& st, int index, const std::optional<std::int64_t>& v);

}  // namespace usage::detail
