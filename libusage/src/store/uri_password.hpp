// Where the password is in a postgresql:// URI, for the two places that must
// hide it: StoreLocation::display() and libpq's parse errors, which may quote
// the URI or a piece of it.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace usage::detail {

/// (offset, length) of each password in `uri`, in order: the one after
/// `user:` and each `password=` parameter's value. Empty when `uri` has no
/// `scheme://`.
std::vector<std::pair<std::size_t, std::size_t>> uri_password_spans(std::string_view uri);

}  // namespace usage::detail
