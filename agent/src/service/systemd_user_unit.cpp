#include "systemd_user_unit.hpp"

#include <stdexcept>

namespace agent::service {

std::string systemd_exec_word(const std::string& arg) {
    std::string body;
    bool quote = arg.empty();
    for (const char c : arg) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            throw std::runtime_error("'" + arg + "' holds a control character, which a systemd unit cannot carry");
        switch (c) {
            case '%': body += "%%"; break;  // else a specifier such as %h
            case '$': body += "$$"; break;  // else variable expansion
            case '\\':
            case '"':
                body += '\\';
                body += c;
                quote = true;
                break;
            case ' ':
            case '\'':
            case ';':
                body += c;
                quote = true;
                break;
            default: body += c;
        }
    }
    return quote ? "\"" + body + "\"" : body;
}

std::string systemd_unit_text(const std::vector<std::string>& command) {
    std::string exec;
    for (const auto& word : command) {
        if (!exec.empty()) exec += ' ';
        exec += systemd_exec_word(word);
    }
    // Every directive works in a user unit without privileges: the seccomp
    // ones because NoNewPrivileges=yes is set. ProtectSystem=/ProtectHome=
    // are left out on purpose: in a user unit they need PrivateUsers=yes,
    // which fails to start where unprivileged user namespaces are off, and
    // the agent must read transcripts anywhere in the home and write its
    // state dir, wherever --state-dir or XDG_STATE_HOME put it.
    return "# usage-agent's background agent as a systemd user service: it reads this user's\n"
           "# AI assistant transcripts and pushes to the team endpoint when one is configured.\n"
           "# Written by `usage-agent service install`; packaging/systemd/usage-agent.service is the\n"
           "# same unit for /usr/bin/usage-agent.\n"
           "[Unit]\n"
           "Description=usage-agent: counts what AI coding assistants cost\n"
           "# After 5 failed starts in 5 minutes the unit stays failed (see `usage-agent service\n"
           "# status`) instead of restarting forever on, say, a broken config.\n"
           "StartLimitIntervalSec=300\n"
           "StartLimitBurst=5\n"
           "\n"
           "[Service]\n"
           "Type=exec\n"
           "ExecStart=" +
           exec +
           "\n"
           "# Restart after failures only, 10 s apart (the default, 100 ms, would spin).\n"
           "Restart=on-failure\n"
           "RestartSec=10\n"
           "TimeoutStopSec=30\n"
           "# A background scan must not compete with the user's own work.\n"
           "Nice=10\n"
           "IOSchedulingClass=best-effort\n"
           "IOSchedulingPriority=7\n"
           "# Hardening that still lets it read the home and write its state dir. No Environment=:\n"
           "# the push token comes from sync.token_file (mode 0600) and is never written here.\n"
           "NoNewPrivileges=yes\n"
           "LockPersonality=yes\n"
           "RestrictRealtime=yes\n"
           "RestrictSUIDSGID=yes\n"
           "MemoryDenyWriteExecute=yes\n"
           "SystemCallArchitectures=native\n"
           "UMask=0077\n"
           "\n"
           "[Install]\n"
           "WantedBy=default.target\n";
}

}  // namespace agent::service
