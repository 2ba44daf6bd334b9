// The folder import: list machines and their segments, skip what the store
// already took, and feed each batch line to the endpoint's ingest.
#include "usage/sync/folder_import.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "sync/folder_segments.hpp"
#include "usage/net/gzip.hpp"
#include "usage/os/unique_fd.hpp"
#include "usage/sync/ingest.hpp"
#include "usage/sync/protocol.hpp"

namespace usage::sync {
namespace fs = std::filesystem;
namespace {

/// Subfolders (or, with `files`, segment files) of `dir`, sorted by name.
std::vector<std::string> names_in(const fs::path& dir, bool files) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code type_ec;
        if (files ? segment_seq(name) && it->is_regular_file(type_ec)
                  : !name.starts_with('.') && it->is_directory(type_ec))
            out.push_back(name);
    }
    if (ec) throw std::runtime_error(dir.string() + ": cannot list: " + ec.message());
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_whole(const fs::path& path) {
    struct stat st {};
    UniqueFd fd = open_read_only(path, &st);
    std::string data(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < data.size()) {
        const ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
        if (n == 0) break;  // shrank while read: what is there is checked by gzip
        got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    return data;
}

class LineImporter {
public:
    LineImporter(Store& store, FolderImportStats& stats, std::string file)
        : store_(store), stats_(stats), file_(std::move(file)) {}

    void import(std::string_view line, std::size_t number) {
        const std::string where = file_ + ":" + std::to_string(number) + ": ";
        nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return refuse_line(where + "not a JSON object; line skipped");
        std::string user;
        if (auto it = j.find("user"); it != j.end()) {
            if (!it->is_string()) return refuse_line(where + "'user' must be a string; line skipped");
            user = it->get<std::string>();
            j.erase(it);
        }
        IngestBatch batch;
        // The endpoint's refusal rules: an event refused by name leaves the
        // batch, and the rest is taken.
        for (;;) {
            try {
                batch = decode_batch(j.dump());
                break;
            } catch (const ProtocolError& e) {
                const auto i = refused_event_index(e.what());
                auto events = j.find("events");
                if (!i || events == j.end() || !events->is_array() || *i >= events->size())
                    return refuse_line(where + "batch refused: " + e.what() + "; line skipped");
                // Named by id: after an earlier refusal the index in the reason is of the shrunk batch.
                const nlohmann::json& refused = (*events)[*i];
                std::string named = "an event";
                if (refused.is_object() && refused.contains("id") && refused["id"].is_string()) {
                    named = "event '";
                    named += refused["id"].get<std::string>();
                    named += "'";
                }
                ++stats_.events_refused;
                stats_.warnings.push_back(where + named + " refused: " + e.what() + "; event skipped");
                events->erase(*i);
            }
        }
        const IngestResult r = ingest_batch(store_, batch, user);
        stats_.events_read += r.received;
        stats_.events_new += r.new_events;
        stats_.events_updated += r.updated;
        stats_.events_unchanged += r.unchanged;
        stats_.session_costs += batch.session_costs.size();
    }

private:
    Store& store_;
    FolderImportStats& stats_;
    std::string file_;

    void refuse_line(std::string warning) {
        ++stats_.lines_refused;
        stats_.warnings.push_back(std::move(warning));
    }
};

// Keyed by machine and name, not by the folder's path: the same share may be
// mounted at another path later.
std::string imported_key(const std::string& machine, const std::string& segment) {
    return "folder_import:" + machine + "/" + segment;
}

}  // namespace

FolderImportStats import_folder(Store& store, const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw std::runtime_error(folder.string() + ": not a folder (the shared sync folder to import)");
    FolderImportStats stats;
    for (const auto& machine : names_in(folder, false)) {
        ++stats.machines;
        const fs::path dir = folder / machine;
        for (const auto& name : names_in(dir, true)) {
            ++stats.segments_seen;
            const fs::path path = dir / name;
            const std::string key = imported_key(machine, name);
            std::error_code size_ec;
            const auto size = std::to_string(fs::file_size(path, size_ec));
            if (!size_ec && store.meta(key) == size) {
                ++stats.segments_known;
                continue;
            }
            std::string json;
            try {
                json = gzip_decompress(read_whole(path), kMaxSegmentJsonBytes);
            } catch (const std::exception& e) {
                // Not remembered: a sync still under way may complete it.
                ++stats.segments_broken;
                stats.warnings.push_back(path.string() + ": segment skipped (incomplete or damaged; read again next " +
                                         "time): " + e.what());
                continue;
            }
            LineImporter lines(store, stats, path.string());
            std::size_t number = 0;
            for (std::size_t start = 0; start < json.size();) {
                const std::size_t end = std::min(json.find('\n', start), json.size());
                ++number;
                if (end > start) lines.import(std::string_view(json).substr(start, end - start), number);
                start = end + 1;
            }
            store.set_meta(key, size);
            ++stats.segments_read;
        }
    }
    return stats;
}

}  // namespace usage::sync
