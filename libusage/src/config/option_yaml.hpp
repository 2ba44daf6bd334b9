// One option value written into a yaml-cpp emitter: shared by `config show`
// (a whole document) and the one-line values of `config init` and the docs.
#pragma once

#include <yaml-cpp/yaml.h>

#include "usage/config/option.hpp"

namespace usage {

/// Lists and mappings come out in flow style (`[/a, /b]`) unless `block`.
void emit_option_value(YAML::Emitter& out, const OptionValue& value, bool block = false);

}  // namespace usage
