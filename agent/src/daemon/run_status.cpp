#include "run_status.hpp"

#include "../terminal.hpp"
#include "instance_lock.hpp"
#include "run_state_file.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/os/wall_clock.hpp"

namespace agent {
namespace {

std::string duration_text(std::int64_t secs) {
    if (secs < 60) return std::to_string(secs) + "s";
    if (secs < 3600) return std::to_string(secs / 60) + "m " + std::to_string(secs % 60) + "s";
    if (secs < 86400) return std::to_string(secs / 3600) + "h " + std::to_string(secs % 3600 / 60) + "m";
    return std::to_string(secs / 86400) + "d " + std::to_string(secs % 86400 / 3600) + "h";
}

}  // namespace

nlohmann::json run_status_json(const std::filesystem::path& state_dir) {
    nlohmann::json agent{{"running", false}, {"pid", nullptr}, {"started", nullptr}, {"uptime_seconds", nullptr}};
    if (const auto h = InstanceLock::holder(state_dir)) {
        agent["running"] = true;
        agent["pid"] = h->pid;
        if (h->started_ms > 0) {
            agent["started"] = usage::format_utc_ms(h->started_ms);
            agent["uptime_seconds"] = std::max<std::int64_t>(0, (usage::unix_now_ms() - h->started_ms) / 1000);
        }
    }
    nlohmann::json scan = nullptr;
    if (const auto s = load_last_scan(state_dir))
        scan = {{"at", usage::format_utc_ms(s->at_ms)},
                {"files_read", s->files_read},
                {"events_new", s->events_new},
                {"events_updated", s->events_updated}};
    return {{"agent", agent}, {"last_scan", scan}};
}

std::string run_status_text(const std::filesystem::path& state_dir) {
    std::string out = "agent:     ";
    if (const auto h = InstanceLock::holder(state_dir)) {
        out += "running (pid " + std::to_string(h->pid);
        if (h->started_ms > 0)
            out += ", since " + usage::format_utc_ms(h->started_ms) + ", up " +
                   duration_text(std::max<std::int64_t>(0, (usage::unix_now_ms() - h->started_ms) / 1000));
        out += ")\n";
    } else {
        out += "not running (`usage-agent run`, or `usage-agent service install`)\n";
    }
    out += "last scan: ";
    if (const auto s = load_last_scan(state_dir)) {
        auto n = [](std::uint64_t v) { return with_commas(static_cast<std::int64_t>(v)); };
        out += usage::format_utc_ms(s->at_ms) + " - " + n(s->files_read) + (s->files_read == 1 ? " file" : " files") +
               " read, " + n(s->events_new) + " new, " + n(s->events_updated) + " updated\n";
    } else {
        out += "never\n";
    }
    return out;
}

}  // namespace agent
