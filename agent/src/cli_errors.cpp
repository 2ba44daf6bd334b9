#include "cli_errors.hpp"

#include <vector>

namespace agent {
namespace {

// The innermost subcommand selected so far: its --help explains the error.
const CLI::App* innermost(const CLI::App& app) {
    const CLI::App* at = &app;
    while (!at->get_subcommands().empty()) at = at->get_subcommands().back();
    return at;
}

std::string command_path(const CLI::App* app) {
    std::string path;
    for (; app->get_parent() != nullptr; app = app->get_parent()) path.insert(0, " " + app->get_name());
    return "usage-agent" + path;
}

std::string names_of_subcommands(const CLI::App* app) {
    std::string names;
    for (const CLI::App* sub : app->get_subcommands(std::function<bool(const CLI::App*)>{}))
        names += (names.empty() ? "" : ", ") + sub->get_name();
    return names;
}

bool takes_commands(const CLI::App* app) {
    const bool has_subcommands = !app->get_subcommands(std::function<bool(const CLI::App*)>{}).empty();
    const bool has_positionals = !app->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
    return has_subcommands && !has_positionals;
}

// A word CLI11 could not place: an option nobody declares, a command that
// does not exist, or one positional too many.
std::string unplaced(const CLI::App* at, const std::string& word) {
    if (word.size() > 1 && word.front() == '-') return "unknown option '" + word.substr(0, word.find('=')) + "'";
    if (takes_commands(at)) return "unknown command '" + word + "'";
    return "unexpected argument '" + word + "'";
}

const CLI::Option* find_option(const CLI::App* at, const std::string& name) {
    for (; at != nullptr; at = at->get_parent())
        if (const CLI::Option* o = at->get_option_no_throw(name)) return o;
    return nullptr;
}

std::string reworded(const CLI::App& app, const CLI::App* at, const CLI::Error& error) {
    const std::string what = error.what();
    const std::vector<std::string> extras = app.remaining(true);
    // CLI11 reports a missing command before the word that was meant as one.
    const bool missing_command = what == "A subcommand is required";
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr || (missing_command && !extras.empty()))
        return extras.empty() ? what : unplaced(at, extras.front());
    if (missing_command) return "missing command: one of " + names_of_subcommands(at);
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
        // "--limit: 1 required INT missing"
        if (auto colon = what.find(": "); colon != std::string::npos && what.ends_with(" missing"))
            return "option '" + what.substr(0, colon) + "' needs a value";
    }
    if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
        // "Could not convert: id = abc"
        constexpr std::string_view prefix = "Could not convert: ";
        if (auto eq = what.find(" = "); what.starts_with(prefix) && eq != std::string::npos) {
            const std::string name = what.substr(prefix.size(), eq - prefix.size());
            const CLI::Option* o = find_option(at, name);
            const std::string type = o != nullptr ? o->get_type_name() : "";
            const bool integer = type.starts_with("INT") || type.starts_with("UINT");
            return name + " must be " + (integer ? "an integer" : "a valid value") + ", got '" + what.substr(eq + 3) +
                   "'";
        }
    }
    if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
        // "NAME: reason": a positional's name means nothing to the user, and
        // its checks name the value themselves ("unknown view 'weather' ...").
        if (auto colon = what.find(": "); colon != std::string::npos) {
            const CLI::Option* o = find_option(at, what.substr(0, colon));
            if (o != nullptr && o->get_positional()) return what.substr(colon + 2);
        }
    }
    return what;
}

}  // namespace

std::string usage_error_line(const CLI::App& app, const CLI::Error& error) {
    const CLI::App* at = innermost(app);
    std::string line = "usage-agent: " + reworded(app, at, error) + " (see '" + command_path(at) + " --help')";
    for (char& c : line)
        if (c == '\n') c = ' ';
    return line;
}

std::string misplaced_option_line(const CLI::App& app, const std::string& option) {
    const CLI::App* at = innermost(app);
    const std::string command = command_path(at);
    const std::string what = at->get_option_no_throw(option) != nullptr ? "put '" + option + "' after '" + command + "'"
                                                                        : "unknown option '" + option + "'";
    return "usage-agent: " + what + " (see '" + command + " --help')";
}

}  // namespace agent
