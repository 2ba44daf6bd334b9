// The Gemini CLI source plugin. Legacy `session-*.json` files are whole
// ConversationRecord documents rewritten on every message: each change is a
// full re-read (ReadMode::snapshot) whose events carry the same ids as
// before, so the store only sees the new messages as new. Newer `.jsonl`
// files are append-only: they are read from the saved offset.
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "gemini_discovery.hpp"
#include "gemini_events.hpp"
#include "gemini_record_parser.hpp"
#include "gemini_salvage.hpp"
#include "usage/os/unique_fd.hpp"
#include "usage/scan/jsonl_reader.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

namespace od = simdjson::ondemand;

// The metadata record is the first line and a few hundred bytes; a first
// line past this size is not one.
constexpr std::size_t kMaxHeadLine = std::size_t{1} << 20;

// The first complete line of `path` (without its newline), or empty.
std::string read_head_line(const std::filesystem::path& path) {
    const UniqueFd fd = open_read_only(path);
    std::string head;
    char buf[8192];
    while (head.size() < kMaxHeadLine) {
        const ssize_t n = ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(head.size()));
        if (n < 0) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
        if (n == 0) return {};  // no complete line yet
        if (const void* nl = std::memchr(buf, '\n', static_cast<std::size_t>(n))) {
            head.append(buf, static_cast<std::size_t>(static_cast<const char*>(nl) - buf));
            return head;
        }
        head.append(buf, static_cast<std::size_t>(n));
    }
    return {};
}

// Model calls whose counts break the rule, counted once per message id: a
// message is repeated when it changes (JSONL), by `$set.messages`, and by the
// salvage of a broken document.
class InvalidMessages {
public:
    explicit InvalidMessages(ScanResult& result) : result_(result) {}
    /// `offset`: of the message's line (JSONL) or of its bad value (a document).
    void check(const gemini::GeminiMessage& m, std::uint64_t offset) {
        if (!m.is_call() || !m.bad.found() || !seen_.emplace(m.id).second) return;
        result_.invalid.add(RecordPlace::at_offset(offset), m.bad.field, m.bad.value, m.bad.rule);
    }

private:
    ScanResult& result_;
    std::unordered_set<std::string> seen_;
};

class GeminiCliPlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "gemini-cli"; }
    std::string_view description() const override {
        return "Gemini CLI sessions (~/.gemini/tmp/*/chats, $GEMINI_CLI_HOME, $GEMINI_DATA_DIR)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return gemini::gemini_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override { return {"GEMINI_CLI_HOME", "GEMINI_DATA_DIR"}; }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".gemini" / "tmp"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return gemini::discover_gemini_files(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        if (file.path.extension() == ".json") return scan_document(file);
        return scan_lines(file, start);
    }

private:
    // A legacy session file: one JSON document, parsed whole.
    static ScanResult scan_document(const SourceFile& file) {
        ScanResult result;
        simdjson::padded_string text;
        if (auto err = simdjson::padded_string::load(file.path.string()).get(text))
            throw std::runtime_error(file.path.string() + ": cannot read: " + simdjson::error_message(err));
        od::parser parser;
        gemini::GeminiMeta meta;
        gemini::EventCollector events(file, "");
        InvalidMessages invalid(result);
        const auto sink = [&](const gemini::GeminiMessage& m) {
            invalid.check(m, m.bad.found() ? static_cast<std::uint64_t>(m.bad.at - text.data()) : 0);
            events.add(m);
        };
        const std::size_t capacity = text.size() + simdjson::SIMDJSON_PADDING;
        // An empty file is one being (re)written: nothing to read yet.
        if (text.size() > 0 && gemini::visit_gemini_document(parser, text.data(), text.size(), capacity, meta, sink)) {
            // A broken document (cut off mid-write) counts once; its complete
            // messages are kept, and the next rewrite is read again anyway.
            result.malformed_lines = 1;
            salvage(parser, text.data(), text.size(), capacity, meta, sink);
        }
        result.events = events.finish(meta);
        result.offset = text.size();
        result.bytes_read = text.size();
        return result;
    }

    // The session fields before `messages` and every complete message of a
    // document that does not parse as a whole. Messages already delivered
    // by the failed parse merge with their salvaged copies by id.
    static void salvage(od::parser& parser, char* data, std::size_t size, std::size_t capacity,
                        gemini::GeminiMeta& meta, const gemini::MessageSink& sink) {
        const auto map = gemini::map_salvageable(std::string_view(data, size));
        if (map.messages_open == std::string_view::npos) return;
        // `{"sessionId": ..., "messages": []}`: the root without its messages.
        std::string root(data, map.messages_open);
        root += "[]}";
        const std::size_t root_size = root.size();
        root.resize(root_size + simdjson::SIMDJSON_PADDING);
        gemini::GeminiMeta root_meta;
        if (!gemini::visit_gemini_document(parser, root.data(), root_size, root.size(), root_meta, sink))
            meta = std::move(root_meta);
        gemini::GeminiMeta ignored;
        for (const auto& [begin, end] : map.messages)
            (void)gemini::visit_gemini_document(parser, data + begin, end - begin, capacity - begin, ignored, sink);
    }

    // A JSONL session file, from the saved offset. The state is the last
    // model seen (for a later message that names none).
    static ScanResult scan_lines(const SourceFile& file, const ScanStart& start) {
        ScanResult result;
        od::parser parser;
        gemini::GeminiMeta meta;
        auto ignore = [](const gemini::GeminiMessage&) {};
        // The session id is only on the first line (the metadata record),
        // which an incremental read does not reach: read it every time.
        std::string head = read_head_line(file.path);
        if (!head.empty()) {
            const std::size_t size = head.size();
            head.resize(size + simdjson::SIMDJSON_PADDING);
            if (gemini::visit_gemini_document(parser, head.data(), size, head.size(), meta, ignore) &&
                start.offset == 0)
                ++result.malformed_lines;  // counted on the first read only
        }
        gemini::GeminiMeta line_meta;  // later `$set` records: nothing they change matters here
        gemini::EventCollector events(file, start.state);
        InvalidMessages invalid(result);
        // Every message record has a `"type"` key (the calls and the failed
        // calls among them); `$set` and `$rewindTo` records without messages
        // are skipped without parsing.
        auto read = read_jsonl_matches(
            file.path, start.offset, "\"type\"", [&](char* line, std::size_t size, std::uint64_t at) {
                const auto sink = [&](const gemini::GeminiMessage& m) {
                    invalid.check(m, at);
                    events.add(m);
                };
                if (gemini::visit_gemini_document(parser, line, size, size + kJsonlPadding, line_meta, sink))
                    ++result.malformed_lines;
            });
        result.events = events.finish(meta);
        result.state = events.last_model();
        result.offset = read.end_offset;
        result.bytes_read = read.bytes_read;
        return result;
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_gemini_cli_plugin() {
    return std::make_unique<GeminiCliPlugin>();
}

}  // namespace usage::plugins
