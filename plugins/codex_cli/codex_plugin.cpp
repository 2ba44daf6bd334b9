// The Codex CLI source plugin: discovery of rollouts (plain and zstd) and
// their incremental scan. Copies of one rollout get identical event ids, so
// the store counts a call once whichever copies were read.
#include "codex_counter.hpp"
#include "codex_discovery.hpp"
#include "codex_line_sources.hpp"
#include "codex_state.hpp"
#include "usage/scan/jsonl_reader.hpp"
#include "usage/scan/source.hpp"

namespace usage::plugins {
namespace {

// The session_meta run at the head of a rollout is a few tens of KB (the base
// instructions); a first line beyond this is not a rollout's.
constexpr std::uint64_t kMaxLeadingBytes = 16u << 20;

ScanResult scan_plain(const SourceFile& file, const ScanStart& start) {
    ScanResult result;
    codex::ThreadState state = start.offset > 0 ? codex::decode_state(start.state) : codex::ThreadState{};
    codex::RolloutCounter counter(file, state, result);
    std::uint64_t leading_end = 0;
    if (start.offset == 0) {
        // session_meta lines rarely hold the needle: read the head on its own.
        auto maybe_meta = [](std::string_view head) {
            auto kind = codex::classify_prefix(head);
            return !kind || *kind == codex::LineKind::session_meta;
        };
        leading_end = codex::read_leading_lines(file.path, kMaxLeadingBytes, maybe_meta,
                                                [&](char* line, std::size_t size, std::size_t capacity, std::uint64_t) {
                                                    return counter.leading_line(line, size, capacity);
                                                });
        counter.end_leading();
    }
    std::uint64_t hits = 0;
    auto on_line = [&](char* line, std::size_t size, std::uint64_t offset) {
        ++hits;
        if (offset < leading_end) return;  // already seen as a leading line
        counter.line(line, size, size + kJsonlPadding, RecordPlace::at_offset(offset));
    };
    auto read = read_jsonl_matches(file.path, start.offset, codex::kLineNeedle, on_line);
    // No compact `"type":"t...` anywhere in the new bytes: either nothing
    // countable was appended, or the writer put spaces after the colons.
    // Reading again with the spaced needle costs one pass over bytes that are
    // still in the page cache, and only for such reads.
    if (hits == 0 && read.bytes_read > 0)
        read = read_jsonl_matches(file.path, start.offset, codex::kSpacedLineNeedle, on_line);
    result.offset = read.end_offset;
    result.bytes_read = read.bytes_read;
    result.state = codex::encode_state(state);
    return result;
}

// A .zst rollout is read whole every time it changes (it is rewritten, not
// appended), so it needs no state.
ScanResult scan_zst(const SourceFile& file) {
    ScanResult result;
    codex::ThreadState state;
    codex::RolloutCounter counter(file, state, result);
    bool leading = true;
    auto read = codex::read_zstd_lines(
        file.path, [&](std::string_view head) { return codex::may_matter(head, leading); },
        [&](char* line, std::size_t size, std::size_t capacity, std::uint64_t number) {
            if (leading) {
                if (counter.leading_line(line, size, capacity)) return true;
                leading = false;
                counter.end_leading();
            }
            counter.line(line, size, capacity, RecordPlace::at_line(number));
            return true;
        });
    if (leading) counter.end_leading();
    result.offset = read.compressed_bytes;
    result.bytes_read = read.compressed_bytes;
    return result;
}

class CodexCliPlugin final : public SourcePlugin {
public:
    std::string_view name() const override { return "codex-cli"; }
    std::string_view description() const override {
        return "Codex CLI rollouts (~/.codex or $CODEX_HOME: sessions/, archived_sessions/, .jsonl and .jsonl.zst)";
    }
    std::vector<std::filesystem::path> roots(const DiscoveryContext& ctx) const override {
        return codex::codex_roots(ctx);
    }
    std::vector<std::string_view> root_variables() const override { return {"CODEX_HOME"}; }
    std::vector<std::filesystem::path> windows_roots(const std::filesystem::path& windows_home) const override {
        return {windows_home / ".codex"};
    }
    std::vector<SourceFile> discover(const std::vector<std::filesystem::path>& roots) const override {
        return codex::discover_rollouts(roots);
    }
    ScanResult scan(const SourceFile& file, const ScanStart& start) const override {
        if (file.mode == ReadMode::snapshot || file.path.extension() == ".zst") return scan_zst(file);
        return scan_plain(file, start);
    }
};

}  // namespace

std::unique_ptr<SourcePlugin> make_codex_cli_plugin() {
    return std::make_unique<CodexCliPlugin>();
}

}  // namespace usage::plugins
