// Usage errors as one line: CLI11's parse errors (and the CLI::Errors that
// commands throw) reworded to name the word that was wrong, prefixed
// `usage-agent:` and ending with the --help page that explains it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace agent {

/// The line (without newline) for a usage error raised while parsing or
/// running `app`'s command line, e.g.
/// `usage-agent: unknown option '--frob' (see 'usage-agent report --help')`.
std::string usage_error_line(const CLI::App& app, const CLI::Error& error);

/// The line for an option of `usage-agent` without a command (the glance)
/// given with a command: CLI11 lets the command's unknown options fall
/// through to the top level, which declares the glance's. Worded as the
/// command's unknown option, or, when the command has it too, as written
/// before the command.
std::string misplaced_option_line(const CLI::App& app, const std::string& option);

}  // namespace agent
