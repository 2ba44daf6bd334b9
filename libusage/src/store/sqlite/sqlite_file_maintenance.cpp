// `store backup` and `store check` on a usage.db file (store_archive.hpp):
// SQLite's online backup API and its integrity checks, plus our own check
// that the rollups still sum to what the events do. Both open the file
// read-only and never migrate it, so they work on a store the running agent
// holds open and on one too damaged for Store to open.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "store/sqlite/rollup_schema.hpp"
#include "usage/os/durable_replace.hpp"
#include "usage/store/store_archive.hpp"

namespace usage {
namespace {

namespace fs = std::filesystem;

// The counted events' sums, and the same sums over each rollup. Each is one
// row of the same columns, so the check compares them one to one.
constexpr const char* kSumNames[] = {"events",         "input",          "output",      "reasoning",      "cache read",
                                     "cache write 5m", "cache write 1h", "cost micros", "unpriced events"};
constexpr const char* kEventSums =
    "SELECT count(*), usage_isum(input), usage_isum(output), usage_isum(reasoning), usage_isum(cache_read), "
    "usage_isum(cache_write_5m), usage_isum(cache_write_1h), "
    "usage_isum(CASE WHEN cost_origin <> 0 THEN coalesce(cost_micros, 0) ELSE 0 END), "
    "coalesce(sum(cost_origin = 0), 0) FROM events WHERE superseded = 0 AND failure = ''";
std::string rollup_sums(const char* table) {
    return std::string(
               "SELECT coalesce(usage_isum(events), 0), coalesce(usage_isum(input), 0), "
               "coalesce(usage_isum(output), 0), coalesce(usage_isum(reasoning), 0), "
               "coalesce(usage_isum(cache_read), 0), coalesce(usage_isum(cache_write_5m), 0), "
               "coalesce(usage_isum(cache_write_1h), 0), coalesce(usage_isum(cost_micros), 0), "
               "coalesce(usage_isum(unpriced_events), 0) FROM ") +
           table;
}

std::vector<std::string> row_text(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement st(db, sql);
    std::vector<std::string> out;
    if (st.executeStep())
        for (int i = 0; i < st.getColumnCount(); ++i)
            out.push_back(st.getColumn(i).isNull() ? "0" : st.getColumn(i).getString());
    return out;
}

void compare_rollup(SQLite::Database& db, const std::vector<std::string>& events, const char* table, const char* label,
                    StoreCheck& check) {
    const auto sums = row_text(db, rollup_sums(table));
    for (std::size_t i = 0; i < sums.size() && i < events.size(); ++i)
        if (sums[i] != events[i])
            check.problems.push_back(std::string("the ") + label + " rollup's " + kSumNames[i] + " (" + sums[i] +
                                     ") is not the events' (" + events[i] + ")");
}

struct BackupDeleter {
    void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
};

}  // namespace

std::uint64_t backup_store_file(const fs::path& db_file, const fs::path& to, bool overwrite) {
    std::error_code ec;
    if (!fs::is_regular_file(db_file, ec))
        throw std::runtime_error(db_file.string() + ": no store here (run `usage-agent sync` first)");
    if (fs::is_directory(to, ec)) throw std::runtime_error(to.string() + ": is a directory; name the backup file");
    if (fs::exists(to, ec) && !overwrite)
        throw std::runtime_error(to.string() + ": already exists (--force replaces it)");
    if (fs::equivalent(db_file, to, ec)) throw std::runtime_error(to.string() + ": is the store itself");
    const fs::path partial = to.string() + ".partial";
    fs::remove(partial, ec);  // a backup killed before its rename
    try {
        SQLite::Database src(db_file.string(), SQLite::OPEN_READONLY);
        src.setBusyTimeout(10000);
        {
            SQLite::Database dst(partial.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            std::unique_ptr<sqlite3_backup, BackupDeleter> backup(
                sqlite3_backup_init(dst.getHandle(), "main", src.getHandle(), "main"));
            if (!backup) throw std::runtime_error(sqlite3_errmsg(dst.getHandle()));
            // All pages in one step: one read transaction, so the copy is one
            // consistent snapshot. In WAL mode that transaction never holds a
            // writer up; BUSY only happens while another connection recovers.
            int rc = SQLITE_OK;
            for (int tries = 0; tries < 200; ++tries) {
                rc = sqlite3_backup_step(backup.get(), -1);
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
                sqlite3_sleep(50);
            }
            if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errstr(rc));
            rc = sqlite3_backup_finish(backup.release());
            if (rc != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(dst.getHandle()));
            // One file that opens anywhere, with no -wal beside it.
            dst.exec("PRAGMA journal_mode=DELETE");
            const std::string verdict = dst.execAndGet("PRAGMA quick_check").getString();
            if (verdict != "ok") throw std::runtime_error("the copy fails SQLite's quick check: " + verdict);
        }
        replace_durably(partial, to);
    } catch (const std::exception& e) {
        fs::remove(partial, ec);
        throw std::runtime_error(to.string() + ": backup failed: " + e.what());
    }
    return static_cast<std::uint64_t>(fs::file_size(to, ec));
}

StoreCheck check_store_file(const fs::path& db_file) {
    StoreCheck check;
    check.file = db_file;
    check.current_version = Store::kSchemaVersion;
    std::error_code ec;
    if (!fs::exists(db_file, ec)) {
        check.problems.push_back("no such file");
        return check;
    }
    if (!fs::is_regular_file(db_file, ec)) {
        check.problems.push_back("not a regular file");
        return check;
    }
    try {
        SQLite::Database db(db_file.string(), SQLite::OPEN_READONLY);
        db.setBusyTimeout(10000);
        detail::register_rollup_functions(db.getHandle());
        // At most 20 findings: a badly damaged file has one per page.
        SQLite::Statement integrity(db, "PRAGMA integrity_check(20)");
        while (integrity.executeStep()) {
            const std::string text = integrity.getColumn(0).getString();
            if (text == "ok") continue;
            std::size_t at = 0;
            while (at < text.size()) {
                const auto nl = std::min(text.find('\n', at), text.size());
                const std::string line = text.substr(at, nl - at);
                if (!line.empty() && line != "*** in database main ***")
                    check.problems.push_back("SQLite integrity check: " + line);
                at = nl + 1;
            }
        }
        if (!check.problems.empty()) return check;  // sums over damaged pages say nothing
        SQLite::Statement foreign(db, "PRAGMA foreign_key_check");
        if (foreign.executeStep()) check.problems.push_back("SQLite foreign key check: rows point at missing rows");
        check.schema_version = db.execAndGet("PRAGMA user_version").getInt();
        if (!db.tableExists("events") || !db.tableExists("meta")) {
            check.problems.push_back("not a usage-agent store (no events table)");
            return check;
        }
        check.rows = db.execAndGet("SELECT count(*) FROM events").getInt64();
        if (check.schema_version > check.current_version) {
            check.problems.push_back("schema version " + std::to_string(check.schema_version) +
                                     " is newer than this usage-agent (" + std::to_string(check.current_version) +
                                     "): upgrade usage-agent");
            return check;
        }
        if (check.schema_version < check.current_version) {
            check.notes.push_back("schema version " + std::to_string(check.schema_version) +
                                  ": usage-agent upgrades it to " + std::to_string(check.current_version) +
                                  " the next time it opens the store (rollups not compared until then)");
            return check;
        }
        const auto events = row_text(db, kEventSums);
        check.events = events.empty() ? 0 : std::stoll(events[0]);
        compare_rollup(db, events, "usage_rollup", "hourly", check);
        compare_rollup(db, events, "usage_rollup_day", "daily", check);
    } catch (const SQLite::Exception& e) {
        check.problems.push_back(std::string("SQLite: ") + e.what());
    }
    return check;
}

}  // namespace usage
