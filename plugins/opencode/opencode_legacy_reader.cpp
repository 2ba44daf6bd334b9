#include "opencode_legacy_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "opencode_message.hpp"
#include "opencode_sessions.hpp"
#include "usage/os/unique_fd.hpp"

namespace usage::plugins::opencode {
namespace fs = std::filesystem;

namespace {

// The whole file, followed by simdjson's padding. Message files are small
// (a few hundred bytes to a few KB): one read, no mapping.
std::string read_padded(const fs::path& path, std::size_t& size) {
    const UniqueFd file = open_read_only(path);
    std::string buf(4096, '\0');
    size = 0;
    for (;;) {
        if (buf.size() - size < kJsonPadding + 1) buf.resize(buf.size() * 2);
        ssize_t n = ::read(file.get(), buf.data() + size, buf.size() - size - kJsonPadding);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
        if (n == 0) break;
        size += static_cast<std::size_t>(n);
    }
    return buf;
}

}  // namespace

ScanResult scan_legacy_message(const SourceFile& file) {
    ScanResult result;
    std::size_t size = 0;
    std::string text = read_padded(file.path, size);
    result.bytes_read = size;

    simdjson::ondemand::parser parser;
    MessageUsage m;
    switch (parse_message(parser, text.data(), size, text.size(), m)) {
        case MessageOutcome::malformed: result.malformed_lines = 1; return result;
        case MessageOutcome::invalid:
            result.invalid.add(RecordPlace::at_offset(static_cast<std::uint64_t>(m.bad.at - text.data())), m.bad.field,
                               m.bad.value, m.bad.rule);
            return result;
        case MessageOutcome::skipped: return result;
        case MessageOutcome::usage: break;
    }
    const std::string message_id = m.id.empty() ? file.path.stem().string() : m.id;
    const std::string session_id = m.session_id.empty() ? file.session_hint : m.session_id;
    // <storage>/message/<session>/<message>.json
    const fs::path storage = file.path.parent_path().parent_path().parent_path();
    const SessionPlace place = legacy_session_place(storage, file.project_hint, session_id);
    result.events.push_back(make_event(m, message_id, place, Copy::legacy_file));
    return result;
}

}  // namespace usage::plugins::opencode
