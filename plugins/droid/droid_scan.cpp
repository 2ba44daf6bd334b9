#include "droid_scan.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "droid_models.hpp"
#include "droid_settings.hpp"
#include "droid_usage.hpp"
#include "usage/os/unique_fd.hpp"

namespace usage::plugins::droid {
namespace fs = std::filesystem;

namespace {

// session_start is the transcript's first line and small.
constexpr std::size_t kMaxHeadLine = std::size_t{1} << 20;

// The whole file after `fd`'s current size, padded for simdjson.
std::string read_padded(const fs::path& path, int fd, std::size_t size) {
    if (size > kMaxSettingsBytes)
        throw std::runtime_error(path.string() + ": " + std::to_string(size) + " bytes, not a settings file");
    std::string buf(size + simdjson::SIMDJSON_PADDING, '\0');
    std::size_t got = 0;
    while (got < size) {
        const ssize_t n = ::pread(fd, buf.data() + got, size - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
        if (n == 0) break;  // shrank while read: what is there
        got += static_cast<std::size_t>(n);
    }
    buf.resize(got);
    return buf;
}

// `cwd` of the session_start line of `<session>.jsonl`, or empty.
std::string transcript_cwd(const fs::path& jsonl) {
    std::error_code ec;
    if (!fs::is_regular_file(jsonl, ec)) return {};
    try {
        const UniqueFd fd = open_read_only(jsonl);
        std::string head;
        char chunk[8192];
        while (head.size() < kMaxHeadLine) {
            const ssize_t n = ::pread(fd.get(), chunk, sizeof chunk, static_cast<off_t>(head.size()));
            if (n <= 0) break;
            head.append(chunk, static_cast<std::size_t>(n));
            if (head.find('\n') != std::string::npos) break;
        }
        head.resize(std::min(head.find('\n'), head.size()));
        head.append(simdjson::SIMDJSON_PADDING, '\0');
        simdjson::ondemand::parser parser;
        simdjson::ondemand::document doc;
        const std::size_t size = head.size() - simdjson::SIMDJSON_PADDING;
        if (parser.iterate(head.data(), size, head.size()).get(doc) != simdjson::SUCCESS) return {};
        std::string_view type, cwd;
        if (doc["type"].get_string().get(type) != simdjson::SUCCESS || type != "session_start") return {};
        if (doc["cwd"].get_string().get(cwd) != simdjson::SUCCESS) return {};
        return std::string(cwd);
    } catch (const std::runtime_error&) {
        return {};  // the project falls back to the folder's slug
    }
}

std::string last_path_component(std::string_view path) {
    while (!path.empty() && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    const auto cut = path.find_last_of("/\\");
    return std::string(cut == std::string_view::npos ? path : path.substr(cut + 1));
}

}  // namespace

ScanResult scan_settings_file(const SourceFile& file, const std::string& state) {
    ScanResult out;
    out.state = state;  // kept whenever nothing can be counted
    struct stat st {};
    const UniqueFd fd = open_read_only(file.path, &st);
    std::string text = read_padded(file.path, fd.get(), static_cast<std::size_t>(st.st_size));
    out.bytes_read = text.size();
    out.offset = text.size();
    if (text.empty()) return out;  // being rewritten: read at its next change
    const std::size_t size = text.size();
    text.append(simdjson::SIMDJSON_PADDING, '\0');

    simdjson::ondemand::parser parser;
    Settings settings;
    switch (parse_settings(parser, text.data(), size, text.size(), settings)) {
        case SettingsOutcome::malformed: out.malformed_lines = 1; return out;
        case SettingsOutcome::invalid:
            out.invalid.add(RecordPlace::at_offset(0), settings.bad.field, settings.bad.value, settings.bad.rule);
            return out;
        case SettingsOutcome::ok: break;
    }
    if (!settings.usage) return out;

    Counted counted = parse_state(state).value_or(Counted{});
    const TokenCounts delta = difference(counted.usage, *settings.usage);
    counted.usage = *settings.usage;
    if (delta.total() > 0) {
        std::string name = file.path.filename().string();
        const std::string session = name.substr(0, name.size() - std::string_view(".settings.json").size());
        fs::path jsonl = file.path;
        jsonl.replace_filename(session + ".jsonl");
        const std::string cwd = transcript_cwd(jsonl);
        const std::string pricing = pricing_model_of(settings.model);
        std::string provider =
            settings.provider_lock.empty() ? bracket_provider(settings.model) : settings.provider_lock;
        const std::int64_t at = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
        for (const TokenCounts& part : split_to_call_limit(delta)) {
            UsageEvent& e = out.events.emplace_back();
            e.source = "droid";
            e.id = "droid:" + session + ":" + std::to_string(++counted.events);
            e.session_id = session;
            e.model = settings.model;
            e.pricing_model = pricing;
            e.provider = provider;
            e.surface = "cli";
            e.timestamp_ms = at;
            e.tokens = part;
            // A delta of the session's running totals sums the calls made
            // since the last read: no per-call tier applies.
            e.aggregate = true;
            e.project_path = cwd;
            e.project_name = cwd.empty() ? file.project_hint : last_path_component(cwd);
        }
    }
    out.state = to_state(counted);
    return out;
}

}  // namespace usage::plugins::droid
