// Checks of option values, run by CLI11 before a command starts, so a bad
// value is a usage error (exit 2) that names the option and the value.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace agent {

/// Refuses an empty value: `--tz ''` or `--state-dir ''` must not quietly
/// mean "the default".
CLI::Validator non_empty();
/// A whole number of at least `min` (the read API's rule for `limit`).
CLI::Validator integer_at_least(std::int64_t min);
/// One of `names`; otherwise "unknown WHAT 'x' (known: a, b)".
CLI::Validator one_of(std::string what, std::vector<std::string> names);
/// An existing file that is not a directory; otherwise "PATH: no such file".
CLI::Validator existing_file();
/// An existing folder; otherwise "PATH: no such folder" or "PATH: not a folder".
CLI::Validator existing_folder();

}  // namespace agent
