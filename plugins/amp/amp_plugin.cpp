// The Amp source plugin. A thread file is one JSON document rewritten whole
// on every change, so each change is a full re-read (ReadMode::snapshot)
// whose events keep their ids: the store only sees new calls as new.
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "amp_discovery.hpp"
#include "amp_events.hpp"
#include "amp_thread_parser.hpp"
#include "usage/os/unique_fd.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

// Threads are a few KB to a few MB; a file past this is not one Amp wrote,
// and reading it whole would cost that much memory.
constexpr std::uint64_t kMaxThreadBytes = std::uint64_t{128} << 20;

// The whole file followed by simdjson's padding; `size` gets its length.
std::string read_padded(const std::filesystem::path& path, std::size_t& size) {
    struct stat st {};
    const UniqueFd fd = open_read_only(path, &st);
    if (static_cast<std::uint64_t>(st.st_size) > kMaxThreadBytes)
        throw std::runtime_error(path.string() + ": too large for an Amp thread (" + std::to_string(st.st_size) +
                                 " bytes)");
    std::string buf(static_cast<std::size_t>(st.st_size) + 4096 + simdjson::SIMDJSON_PADDING, '\0');
    size = 0;
    for (;;) {
        if (buf.size() - size < simdjson::SIMDJSON_PADDING + 1) {
            if (size >= kMaxThreadBytes)  // grew while being read
                throw std::runtime_error(path.string() + ": too large for an Amp thread");
            buf.resize(buf.size() * 2);
        }
        const ssize_t n = ::read(fd.get(), buf.data() + size, buf.size() - size - simdjson::SIMDJSON_PADDING);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
        if (n == 0) break;
        size += static_cast<std::size_t>(n);
    }
    return buf;
}

class AmpPlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "amp"; }
    std::string_view description() const override {
        return "Amp threads on disk (~/.local/share/amp/threads, $AMP_DATA_DIR)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override { return amp::amp_roots(ctx); }
    std::vector<std::string_view> root_variables() const override { return {"AMP_DATA_DIR"}; }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".local" / "share" / "amp"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return amp::discover_amp_files(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& /*start*/) const override {
        ScanResult result;
        std::size_t size = 0;
        std::string text = read_padded(file.path, size);
        result.offset = size;
        result.bytes_read = size;
        if (size == 0) return result;  // being (re)written: nothing to read yet
        amp::AmpThread thread;
        if (!amp::parse_amp_thread(text.data(), size, text.size(), thread)) {
            // A document cut off by a rewrite in progress: counted once, and
            // the next rewrite is read again anyway.
            result.malformed_lines = 1;
            return result;
        }
        amp::collect_amp_events(thread, file, result);
        return result;
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_amp_plugin() {
    return std::make_unique<AmpPlugin>();
}

}  // namespace usage::plugins
