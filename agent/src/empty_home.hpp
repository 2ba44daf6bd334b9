// What `report` and `sync` say instead of a page of zeros when nothing was
// found: where each source looked, and how to point it elsewhere.
#pragma once

#include <string>
#include <vector>

#include "app_context.hpp"

namespace agent {

/// `headline`, then one line per enabled source (of `only_sources`, when not
/// empty) with the folders it looks in and its variables, then how to add a
/// folder. Paths below $HOME are shown as `~/...`; everything is escaped.
std::string empty_home_message(const AppContext& ctx, const std::string& headline,
                               const std::vector<std::string>& only_sources = {});

}  // namespace agent
