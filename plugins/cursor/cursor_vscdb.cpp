// Incremental reading, and why it is safe.
//
// `cursorDiskKV(key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)` is an
// ordinary rowid table written with INSERTs that replace on a key conflict.
// A replace deletes the old row and inserts a new one, and SQLite gives a new
// row max(rowid) + 1. So every write since the previous scan (a new bubble, or
// an old bubble whose tokenCount grew) sits at a rowid above the largest rowid
// that scan saw, as long as that largest row was never deleted: then the
// maximum never dropped and no rowid was reused.
//
// The state therefore saves the newest row (its rowid and key: the anchor).
// When the anchor key still exists at that rowid or above, the next scan
// reads from the anchor on. Otherwise (the anchor was deleted, or VACUUM
// renumbered rows) it reads the whole table. Re-emitted bubbles are harmless:
// the store merges copies of one id (TokenCounts::merge_copy).
//
// A row rewritten by an in-place UPDATE keeps its rowid. Cursor is not known
// to do that, but nothing proves it never does, and the moment it would is
// when a response completes and its bubble gets its counts, i.e. shortly
// after the bubble was written. So the scan also re-reads the kRecheckRows
// rows just below the anchor (which covers a delete + insert of the anchor
// row itself too, reusing its rowid): a bounded cost (a few MB) per changed
// database. An in-place update of an older row is missed until
// `sync --full-rescan` (empty state) reads all rows.
#include "cursor_vscdb.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "cursor_models.hpp"
#include "cursor_values.hpp"

namespace usage::plugins::cursor {
namespace {

constexpr int kBusyTimeoutMs = 5000;
// Rows per read statement: each chunk is its own short read transaction.
constexpr int kChunkRows = 2000;
// Rows below the anchor read again on an incremental scan (see above).
constexpr int kRecheckRows = 1000;
constexpr std::string_view kBubblePrefix = "bubbleId:";

struct Anchor {
    std::int64_t rowid = 0;
    std::string key;
};

std::optional<Anchor> read_anchor(const std::string& state) {
    if (state.empty()) return std::nullopt;
    auto j = nlohmann::json::parse(state, nullptr, false);
    if (!j.is_object() || j.value("v", 0) != 1 || !j.contains("rowid") || !j["rowid"].is_number_integer() ||
        !j.contains("key") || !j["key"].is_string())
        return std::nullopt;
    return Anchor{j["rowid"].get<std::int64_t>(), j["key"].get<std::string>()};
}

std::string write_anchor(const Anchor& a) {
    return nlohmann::json{{"v", 1}, {"rowid", a.rowid}, {"key", a.key}}.dump();
}

struct Found {
    std::string composer_id, bubble_id;
    Bubble bubble;
};

struct ComposerInfo {
    std::optional<std::int64_t> created_ms;
    std::string model;
    std::string folder;
};

std::string_view blob_of(const SQLite::Column& c) {
    const void* data = c.getBlob();
    return {static_cast<const char*>(data), data ? static_cast<std::size_t>(c.getBytes()) : 0};
}

std::string last_component(const std::string& path) {
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

class DbReader {
public:
    DbReader(const std::filesystem::path& path, ScanResult& result)
        : db_(path, SQLite::OPEN_READONLY, kBusyTimeoutMs), result_(result) {
        db_.exec("PRAGMA query_only = 1");
        // No memory mapping: a full scan touches every page, and a mapped
        // state.vscdb (often hundreds of MB) would count whole into the
        // agent's resident memory. Reading by pread costs about 12% more
        // time on a first scan (241 MB: 0.53 s instead of 0.47 s, RSS 42 MB
        // instead of 270 MB); an unchanged database is not opened at all.
        db_.exec("PRAGMA mmap_size = 0");
    }

    [[nodiscard]] bool has_table() const { return db_.tableExists("cursorDiskKV"); }

    std::optional<Anchor> newest_row() {
        SQLite::Statement q(db_, "SELECT rowid, key FROM cursorDiskKV ORDER BY rowid DESC LIMIT 1");
        if (!q.executeStep()) return std::nullopt;
        return Anchor{q.getColumn(0).getInt64(), q.getColumn(1).getString()};
    }

    /// The rowid to start from: kRecheckRows rows below the saved anchor when
    /// the anchor is still valid, else 0 (everything).
    std::int64_t start_rowid(const std::optional<Anchor>& saved) {
        if (!saved) return 0;
        SQLite::Statement anchor(db_, "SELECT rowid FROM cursorDiskKV WHERE key = ?");
        anchor.bind(1, saved->key);
        if (!anchor.executeStep() || anchor.getColumn(0).getInt64() < saved->rowid) return 0;
        // Walks kRecheckRows entries of the rowid b-tree, no values.
        SQLite::Statement below(db_,
                                "SELECT rowid FROM cursorDiskKV WHERE rowid < ? ORDER BY rowid DESC LIMIT 1 OFFSET ?");
        below.bind(1, saved->rowid);
        below.bind(2, kRecheckRows - 1);
        return below.executeStep() ? below.getColumn(0).getInt64() : 0;
    }

    /// Every assistant bubble with tokens in [from, to] (rowids).
    std::vector<Found> bubbles(std::int64_t from, std::int64_t to) {
        // Only bubble rows' values are fetched; other keys cost their key.
        SQLite::Statement q(db_,
                            "SELECT rowid, key, CASE WHEN key >= 'bubbleId:' AND key < 'bubbleId;' THEN value END "
                            "FROM cursorDiskKV WHERE rowid >= ?1 AND rowid <= ?2 ORDER BY rowid LIMIT ?3");
        std::vector<Found> out;
        std::unordered_map<std::string, std::size_t> index;  // a row moved mid-scan may be seen twice
        for (std::int64_t next = from;;) {
            q.bind(1, next);
            q.bind(2, to);
            q.bind(3, kChunkRows);
            int rows = 0;
            while (q.executeStep()) {
                ++rows;
                next = q.getColumn(0).getInt64() + 1;
                if (q.getColumn(2).isNull()) continue;
                const std::string key = q.getColumn(1).getString();
                const std::string_view value = blob_of(q.getColumn(2));
                result_.bytes_read += key.size() + value.size();
                auto found = parse_row(key, value);
                if (!found) continue;
                if (auto it = index.find(found->bubble_id); it != index.end()) {
                    Bubble& b = out[it->second].bubble;
                    b.input_tokens = std::max(b.input_tokens, found->bubble.input_tokens);
                    b.output_tokens = std::max(b.output_tokens, found->bubble.output_tokens);
                    continue;
                }
                index.emplace(found->bubble_id, out.size());
                out.push_back(std::move(*found));
            }
            q.reset();  // ends this chunk's read transaction
            if (rows < kChunkRows) break;
        }
        return out;
    }

    /// Model, creation time and workspace folder of one composer.
    ComposerInfo composer(const std::string& composer_id) {
        ComposerInfo info;
        auto value = lookup("composerData:" + composer_id);
        if (!value) return info;
        auto c = parse_composer(parser_, *value);
        if (!c) {
            ++result_.malformed_lines;
            return info;
        }
        info.created_ms = c->created_ms;
        info.model = std::move(c->model);
        // Only user bubbles carry the workspace (`workspaceUris`).
        if (!c->first_user_bubble.empty())
            if (auto user = lookup(std::string(kBubblePrefix) + composer_id + ":" + c->first_user_bubble))
                if (auto b = parse_bubble(parser_, *user); b && !b->workspace_uri.empty())
                    info.folder = uri_path(b->workspace_uri);
        return info;
    }

private:
    SQLite::Database db_;
    ScanResult& result_;
    ValueParser parser_;

    std::optional<std::string> lookup(const std::string& key) {
        SQLite::Statement q(db_, "SELECT value FROM cursorDiskKV WHERE key = ?");
        q.bind(1, key);
        if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
        std::string value(blob_of(q.getColumn(0)));
        result_.bytes_read += key.size() + value.size();
        return value;
    }

    // `bubbleId:<composerId>:<bubbleId>` with a billable assistant value.
    std::optional<Found> parse_row(const std::string& key, std::string_view value) {
        const std::string_view rest = std::string_view(key).substr(kBubblePrefix.size());
        const auto colon = rest.find(':');
        auto bubble = parse_bubble(parser_, value);
        if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size() || !bubble) {
            ++result_.malformed_lines;
            return std::nullopt;
        }
        if (bubble->type != 2) return std::nullopt;
        if (bubble->bad.found()) {
            result_.invalid.add(RecordPlace::at_row(key), bubble->bad.field, bubble->bad.value, bubble->bad.rule);
            return std::nullopt;
        }
        if (bubble->input_tokens + bubble->output_tokens == 0) return std::nullopt;
        return Found{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1)), std::move(*bubble)};
    }
};

UsageEvent make_event(Found& f, const ComposerInfo& composer) {
    UsageEvent e;
    e.id = "cursor:" + f.bubble_id;
    e.source = "cursor";
    e.session_id = f.composer_id;
    if (!f.bubble.model.empty()) {
        e.model = std::move(f.bubble.model);
    } else if (!composer.model.empty()) {
        // The composer's current setting, not necessarily this call's model.
        e.model = composer.model;
        e.model_guessed = true;
    }
    auto mapped = map_cursor_model(e.model);
    e.pricing_model = std::move(mapped.pricing_model);
    e.provider = std::move(mapped.provider);
    e.project_path = composer.folder;
    e.project_name = last_component(composer.folder);
    e.surface = "ide";
    e.timestamp_ms = f.bubble.created_ms.value_or(composer.created_ms.value_or(0));
    e.tokens.input = f.bubble.input_tokens;
    e.tokens.output = f.bubble.output_tokens;
    // A partial local copy: the dashboard export, when imported, supersedes it.
    e.replay = true;
    e.dedup_group = e.id;
    return e;
}

}  // namespace

ScanResult scan_state_db(const SourceFile& file, const ScanStart& start) {
    ScanResult result;
    try {
        DbReader db(file.path, result);
        if (!db.has_table()) return result;
        auto newest = db.newest_row();
        if (!newest) return result;
        auto found = db.bubbles(db.start_rowid(read_anchor(start.state)), newest->rowid);

        std::unordered_map<std::string, ComposerInfo> composers;
        result.events.reserve(found.size());
        for (auto& f : found) {
            auto it = composers.find(f.composer_id);
            if (it == composers.end()) it = composers.emplace(f.composer_id, db.composer(f.composer_id)).first;
            UsageEvent e = make_event(f, it->second);
            if (e.timestamp_ms <= 0) {
                ++result.malformed_lines;  // no time anywhere: cannot be placed
                continue;
            }
            result.events.push_back(std::move(e));
        }
        result.state = write_anchor(*newest);
    } catch (const SQLite::Exception& e) {
        throw std::runtime_error(file.path.string() + ": " + e.what());
    }
    return result;
}

}  // namespace usage::plugins::cursor
