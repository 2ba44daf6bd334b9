// usage/config/environment.hpp — the process environment as plugins see it.
//
// Discovery depends on HOME, XDG_* and each tool's own variables. Passing
// them as a value (instead of calling getenv everywhere) lets tests and
// embedding programs point every source at a temporary home.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace usage {

class Environment {
public:
    /// A snapshot of the current process environment.
    static Environment from_process();
    /// An explicit set of variables (tests, embedders).
    explicit Environment(std::map<std::string, std::string> vars = {});

    /// The variable's value, or nullopt when unset or empty.
    [[nodiscard]] std::optional<std::string> get(const std::string& name) const;
    /// Whether the variable is set, even to the empty string.
    [[nodiscard]] bool is_set(const std::string& name) const;
    void set(const std::string& name, std::string value);
    /// A comma-separated list variable (`CODEX_HOME=/a, /b`): its entries
    /// trimmed of blanks, empty ones dropped; nullopt when unset or empty.
    [[nodiscard]] std::optional<std::vector<std::string>> list(const std::string& name) const;

    [[nodiscard]] std::filesystem::path home() const;
    /// $XDG_<kind>_HOME or its default under HOME (kind: CONFIG, STATE, DATA, CACHE).
    [[nodiscard]] std::filesystem::path xdg_home(const std::string& kind) const;

private:
    std::map<std::string, std::string> vars_;
};

}  // namespace usage
