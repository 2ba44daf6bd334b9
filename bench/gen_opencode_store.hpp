// gen_opencode_store.hpp — writes OpenCode's two stores for
// bench_gen_opencode: the SQLite database (schema of OpenCode's migrations,
// WAL mode) and the legacy storage/ JSON tree, with message and part JSON in
// the shapes of OpenCode's MessageV2.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gen_claude_text.hpp"

namespace bench::opencode {

struct Tokens {
    std::int64_t input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write = 0;
};

/// One assistant message (one model call) with what came before it.
struct Call {
    std::string user_id;  ///< the user message that prompted it
    std::string id;
    std::int64_t created_ms = 0;
    Tokens tokens;
    double cost = 0;
    std::string model, provider;
    std::string cwd, root;
};

struct Session {
    std::string id;
    std::string project_id;
    std::string parent;  ///< empty for a top-level session
    std::string directory;
    std::int64_t start_ms = 0;
    std::vector<Call> calls;
};

/// JSON of messages and parts, with filler content of the requested size.
class Json {
public:
    explicit Json(const FillerText& filler) : filler_(filler) {}
    /// `message.data` (database) or the whole legacy file (`with_ids`).
    std::string assistant(const Session& s, const Call& c, const Tokens& t, bool with_ids) const;
    std::string user(const Session& s, const Call& c, bool with_ids) const;
    /// `part.data` for the parts of one call, each about `bytes` long.
    std::vector<std::pair<std::string, std::string>> parts(Rng& rng, const Call& c, const Tokens& t,
                                                           std::size_t bytes) const;

private:
    const FillerText& filler_;
};

/// The database. Everything goes into one transaction, committed by finish().
class DbWriter {
public:
    explicit DbWriter(const std::filesystem::path& path);
    ~DbWriter();
    DbWriter(const DbWriter&) = delete;
    DbWriter& operator=(const DbWriter&) = delete;

    void project(const std::string& id, const std::string& worktree);
    /// `totals`: the session-level aggregate columns OpenCode keeps.
    void session(const Session& s, const Tokens& totals, double cost);
    void message(const std::string& id, const std::string& session, std::int64_t time_ms, const std::string& data);
    void part(const std::string& id, const std::string& message, const std::string& session, std::int64_t time_ms,
              const std::string& data);
    void finish();
    [[nodiscard]] std::uint64_t bytes() const { return bytes_; }

private:
    struct Closer {
        void operator()(sqlite3* db) const { sqlite3_close(db); }
        void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
    };
    using Stmt = std::unique_ptr<sqlite3_stmt, Closer>;
    void exec(const char* sql);
    Stmt prepare(const char* sql);
    void step(sqlite3_stmt* st);
    std::unique_ptr<sqlite3, Closer> db_;
    Stmt project_, session_, message_, part_;
    std::uint64_t bytes_ = 0;
};

/// The legacy tree below `storage`.
class LegacyWriter {
public:
    explicit LegacyWriter(std::filesystem::path storage) : storage_(std::move(storage)) {}
    void project(const std::string& id, const std::string& worktree);
    void session(const Session& s);
    void message(const std::string& session, const std::string& id, const std::string& json);
    void part(const std::string& message, const std::string& id, const std::string& json);
    [[nodiscard]] std::uint64_t bytes() const { return bytes_; }
    [[nodiscard]] std::uint64_t message_files() const { return message_files_; }

private:
    void write(const std::filesystem::path& path, const std::string& text);
    std::filesystem::path storage_;
    std::uint64_t bytes_ = 0;
    std::uint64_t message_files_ = 0;
};

}  // namespace bench::opencode
