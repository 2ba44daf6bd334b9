// The `budgets` key (usage/budget/budget_config.hpp) read from and written
// as YAML: a list of mappings, which no other key's type describes, so it
// has its own reader and emitter beside the scalar ones.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "usage/budget/budget_config.hpp"
#include "yaml_validator.hpp"

namespace usage {

/// The entries of `node`; every error names FILE:LINE and the entry's key
/// (`budgets[0].limit_usd`).
std::vector<BudgetConfig> read_budgets(const Validator& v, const YAML::Node& node, const std::string& key);

/// The entries as YAML: block style (one key a line) unless `flow`.
void emit_budgets(YAML::Emitter& out, const std::vector<BudgetConfig>& budgets, bool flow);

}  // namespace usage
