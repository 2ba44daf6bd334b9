#include "sync_settings.hpp"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "usage/analytics/analytics.hpp"

namespace agent {
namespace {

std::string os_name() {
    utsname u{};
    if (::uname(&u) != 0) return "unknown";
    std::string s = u.sysname;
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

}  // namespace

std::optional<std::string> load_sync_token(const AppContext& ctx) {
    if (auto t = ctx.env().get("USAGE_AGENT_TOKEN")) return *t;
    const auto& file = ctx.config().sync.token_file;
    if (file.empty()) return std::nullopt;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        throw std::runtime_error(file.string() + ": token file not found (sync.token_file)");
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw std::runtime_error(file.string() + ": token file is mode " + mode +
                                 ", readable by others; run: chmod 600 " + file.string());
    }
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.front()))) token.erase(0, 1);
    if (token.empty()) throw std::runtime_error(file.string() + ": token file is empty");
    return token;
}

usage::sync::PushOptions push_options(AppContext& ctx, std::string token) {
    const auto& s = ctx.config().sync;
    usage::sync::PushOptions o;
    o.endpoint = s.endpoint;
    o.token = std::move(token);
    o.http.ca_file = s.ca_file;
    o.http.insecure_skip_verify = s.insecure_skip_verify;
    o.http.user_agent = "usage-agent/" USAGE_AGENT_VERSION;
    o.http.timeout = std::chrono::seconds(s.timeout_seconds);
    o.batch_events = static_cast<std::size_t>(s.batch_size);
    o.max_attempts = s.max_attempts;
    o.machine.id = ctx.store().machine_id();
    o.machine.name = ctx.config().machine_name;
    o.machine.os = os_name();
    o.machine.time_zone = usage::local_time_zone();
    o.machine.agent_version = USAGE_AGENT_VERSION;
    return o;
}

}  // namespace agent
