#include "run_state_file.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "usage/os/wall_clock.hpp"

namespace agent {
namespace {

std::filesystem::path file_of(const std::filesystem::path& state_dir) {
    return state_dir / "run-state.json";
}

}  // namespace

LastScan summarize_scan(const std::vector<usage::SourceScanStats>& stats) {
    LastScan last;
    last.at_ms = usage::unix_now_ms();
    for (const auto& s : stats) {
        last.files_read += s.files_read;
        last.events_new += s.events_new;
        last.events_updated += s.events_updated;
        last.seconds = std::max(last.seconds, s.seconds);
    }
    return last;
}

void save_last_scan(const std::filesystem::path& state_dir, const LastScan& scan) {
    const nlohmann::json j{{"last_scan",
                            {{"at_ms", scan.at_ms},
                             {"files_read", scan.files_read},
                             {"events_new", scan.events_new},
                             {"events_updated", scan.events_updated},
                             {"seconds", scan.seconds}}}};
    const auto path = file_of(state_dir);
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump() << "\n";
        if (!out) return;  // status then shows the previous scan; never worth stopping the agent
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
}

std::optional<LastScan> load_last_scan(const std::filesystem::path& state_dir) {
    std::ifstream in(file_of(state_dir));
    if (!in) return std::nullopt;
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("last_scan")) return std::nullopt;
    const auto& s = j["last_scan"];
    try {
        return LastScan{s.at("at_ms").get<std::int64_t>(), s.at("files_read").get<std::uint64_t>(),
                        s.at("events_new").get<std::uint64_t>(), s.at("events_updated").get<std::uint64_t>(),
                        s.at("seconds").get<double>()};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

}  // namespace agent
