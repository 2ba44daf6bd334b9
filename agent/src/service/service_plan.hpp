// What `service install|uninstall` does, as a list of steps that is either
// carried out or, with --dry-run, printed: both paths read the same list,
// so the dry run shows exactly what a real run would do.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace agent::service {

struct Step {
    enum class Kind { make_dir, write_file, remove_file, run };
    Kind kind = Kind::run;
    std::filesystem::path path;     ///< make_dir, write_file, remove_file
    std::string content;            ///< write_file
    std::vector<std::string> argv;  ///< run: argv[0] is the tool's name
    bool may_fail = false;          ///< run: a failure is a warning, the next steps still run
};

inline Step command_step(std::vector<std::string> argv, bool may_fail = false) {
    Step s;
    s.argv = std::move(argv);
    s.may_fail = may_fail;
    return s;
}

inline Step file_step(Step::Kind kind, std::filesystem::path path, std::string content = {}) {
    Step s;
    s.kind = kind;
    s.path = std::move(path);
    s.content = std::move(content);
    return s;
}

struct Plan {
    /// The service manager's command (systemctl, launchctl). When it is not
    /// on PATH the files are still written and the commands printed for the
    /// user to run where the manager is.
    std::string tool;
    std::vector<Step> steps;
    std::vector<std::string> notes;  ///< printed at the end, prefixed "note: "
    std::string done;                ///< the last line of a real run that ran everything
};

/// Carries out `plan` (or prints it when `dry_run`), reporting on `out`,
/// warnings on `err`. Throws, naming the file or the command, on the first
/// failure that is not `may_fail`. Returns the exit status (0).
int execute(const Plan& plan, bool dry_run, std::ostream& out, std::ostream& err);

/// Writes `content` to `path` through a temporary file and a rename, so a
/// crash never leaves a half-written unit for the service manager to load.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace agent::service
