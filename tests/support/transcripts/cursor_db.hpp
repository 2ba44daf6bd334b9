// Test helpers: real Cursor state.vscdb files, with the table layout Cursor
// creates (`cursorDiskKV(key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)`)
// and composer / bubble values shaped like Cursor's.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cursor_test {

/// One `bubbleId:<composer>:<bubble>` value.
struct Bubble {
    int type = 2;
    nlohmann::json created_at = "2026-01-10T10:00:00.000Z";       ///< ISO text or a number of ms
    std::string model;                                            ///< modelInfo.modelName, omitted when empty
    std::optional<std::pair<std::int64_t, std::int64_t>> tokens;  ///< tokenCount {input, output}
    std::vector<std::string> workspace_uris;

    Bubble& user() {
        type = 1;
        return *this;
    }
    Bubble& at(nlohmann::json t) {
        created_at = std::move(t);
        return *this;
    }
    Bubble& no_time() {
        created_at = nullptr;
        return *this;
    }
    Bubble& with_model(std::string m) {
        model = std::move(m);
        return *this;
    }
    Bubble& counts(std::int64_t in, std::int64_t out) {
        tokens = {in, out};
        return *this;
    }
    Bubble& workspace(std::string uri) {
        workspace_uris.push_back(std::move(uri));
        return *this;
    }

    [[nodiscard]] std::string json(const std::string& bubble_id) const {
        nlohmann::json j = {{"_v", 3}, {"type", type}, {"bubbleId", bubble_id}, {"text", "some text, \"quoted\""}};
        if (!created_at.is_null()) j["createdAt"] = created_at;
        j["requestId"] = "req-" + bubble_id;
        if (!model.empty()) j["modelInfo"] = {{"modelName", model}};
        if (tokens) j["tokenCount"] = {{"inputTokens", tokens->first}, {"outputTokens", tokens->second}};
        if (!workspace_uris.empty()) j["workspaceUris"] = workspace_uris;
        j["codeBlocks"] = nlohmann::json::array({{{"content", "int main() {}"}, {"languageId", "cpp"}}});
        return j.dump();
    }
};

/// One `composerData:<composer>` value.
struct Composer {
    std::optional<std::int64_t> created_ms = 1768039200000;  // 2026-01-10T10:00:00Z
    std::string model;                                       ///< modelConfig.modelName, omitted when empty
    std::vector<std::pair<std::string, int>> headers;        ///< {bubbleId, type}

    [[nodiscard]] std::string json(const std::string& composer_id) const {
        nlohmann::json j = {{"_v", 10}, {"composerId", composer_id}, {"status", "completed"}};
        if (created_ms) j["createdAt"] = *created_ms;
        if (!model.empty()) j["modelConfig"] = {{"modelName", model}, {"maxMode", false}};
        auto h = nlohmann::json::array();
        for (const auto& [id, type] : headers) h.push_back({{"bubbleId", id}, {"type", type}});
        j["fullConversationHeadersOnly"] = h;
        return j.dump();
    }
};

/// A state.vscdb at `path`; each call opens and closes its own connection
/// unless `keep_open` (a running Cursor holding the database in WAL mode).
class StateDb {
public:
    explicit StateDb(std::filesystem::path path, bool wal = false) : path_(std::move(path)) {
        std::filesystem::create_directories(path_.parent_path());
        SQLite::Database db(path_.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        if (wal) db.exec("PRAGMA journal_mode=WAL");
        db.exec("CREATE TABLE IF NOT EXISTS ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)");
        db.exec("CREATE TABLE IF NOT EXISTS cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)");
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    /// INSERT like Cursor does (a key conflict replaces the row). Values go in
    /// as BLOB unless `as_text`.
    void put(const std::string& key, const std::string& value, bool as_text = false) {
        with_db([&](SQLite::Database& db) {
            SQLite::Statement q(db, "INSERT INTO cursorDiskKV (key, value) VALUES (?, ?)");
            q.bind(1, key);
            if (as_text)
                q.bind(2, value);
            else
                q.bind(2, value.data(), static_cast<int>(value.size()));
            q.exec();
        });
    }
    /// `count` small rows that are not usage (Cursor writes many: checkpoints,
    /// diffs), in one transaction.
    void fill(const std::string& key_prefix, int count) {
        with_db([&](SQLite::Database& db) {
            SQLite::Transaction tx(db);
            SQLite::Statement q(db, "INSERT INTO cursorDiskKV (key, value) VALUES (?, '{}')");
            for (int i = 0; i < count; ++i) {
                q.bind(1, key_prefix + std::to_string(i));
                q.exec();
                q.reset();
            }
            tx.commit();
        });
    }
    /// An in-place UPDATE: the row keeps its rowid (Cursor is not known to do this).
    void update(const std::string& key, const std::string& value) {
        with_db([&](SQLite::Database& db) {
            SQLite::Statement q(db, "UPDATE cursorDiskKV SET value = ? WHERE key = ?");
            q.bind(1, value.data(), static_cast<int>(value.size()));
            q.bind(2, key);
            q.exec();
        });
    }
    void bubble(const std::string& composer, const std::string& id, const Bubble& b, bool as_text = false) {
        put("bubbleId:" + composer + ":" + id, b.json(id), as_text);
    }
    void composer(const std::string& id, const Composer& c) { put("composerData:" + id, c.json(id)); }
    void erase(const std::string& key) {
        with_db([&](SQLite::Database& db) {
            SQLite::Statement q(db, "DELETE FROM cursorDiskKV WHERE key = ?");
            q.bind(1, key);
            q.exec();
        });
    }
    /// Keep one connection open for later writes (WAL stays uncheckpointed).
    void keep_open() { open_.emplace(path_.string(), SQLite::OPEN_READWRITE); }

private:
    std::filesystem::path path_;
    std::optional<SQLite::Database> open_;

    template <typename F>
    void with_db(F&& f) {
        if (open_) return f(*open_);
        SQLite::Database db(path_.string(), SQLite::OPEN_READWRITE);
        f(db);
    }
};

/// The hand-made sample the e2e tests start from: composer c1 (2026-01-10,
/// workspace "shop") with a user bubble, a1 claude-4.5-sonnet {1000 in, 200
/// out}, a2 gpt-5 {300, 30} and a3 gpt-5 {0, 0} (a call still streaming: not
/// counted). Counted: 2 events, 1 session, input 1300, output 230.
inline void write_e2e_sample(StateDb& db) {
    db.composer("c1", Composer{1768039200000, "claude-4.5-sonnet", {{"u1", 1}, {"a1", 2}, {"a2", 2}}});
    db.bubble("c1", "u1", Bubble().user().workspace("file:///home/dev/shop"));
    db.bubble("c1", "a1", Bubble().with_model("claude-4.5-sonnet").counts(1000, 200));
    db.bubble("c1", "a2", Bubble().with_model("gpt-5").counts(300, 30).at("2026-01-10T10:01:00Z"));
    db.bubble("c1", "a3", Bubble().with_model("gpt-5").counts(0, 0));
}

}  // namespace cursor_test
