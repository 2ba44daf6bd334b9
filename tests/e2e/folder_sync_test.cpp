// End to end, real binary and real files: machines pushing into one shared
// folder (sync.endpoint: file:///...), `import folder` and `serve
// --import-dir` merging it (docs/folder-sync.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "push_helpers.hpp"
#include "serve_helpers.hpp"
#include "test_support.hpp"
#include "usage/net/gzip.hpp"

namespace fs = std::filesystem;

namespace {

using Machine = push_test::TeamMachine;

std::string folder_url(const fs::path& folder) {
    return "file://" + folder.string();
}

std::string machine_id(const testing::AgentHome& home) {
    auto r = home.run({"status", "--json"});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).at("machine_id").get<std::string>();
}

/// The names in `dir`, sorted (every file, temporary ones too).
std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

/// The batch lines of a segment, parsed.
std::vector<nlohmann::json> lines_of(const fs::path& segment) {
    const std::string text = usage::gzip_decompress(testing::read_file(segment), 1u << 30);
    std::vector<nlohmann::json> out;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = text.find('\n', start);
        REQUIRE(end != std::string::npos);  // every line ends with a newline
        out.push_back(nlohmann::json::parse(text.substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

std::size_t events_in(const fs::path& segment) {
    std::size_t n = 0;
    for (const auto& line : lines_of(segment)) n += line.at("events").size();
    return n;
}

struct Snapshot {
    std::string bytes;
    fs::file_time_type mtime;
};

Snapshot snapshot(const fs::path& file) {
    return {testing::read_file(file), fs::last_write_time(file)};
}

nlohmann::json import_json(const testing::AgentHome& home, const fs::path& folder, std::string* err = nullptr) {
    auto r = home.run({"import", "folder", folder.string(), "--json"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    if (err) *err = r.err;
    return nlohmann::json::parse(r.out);
}

nlohmann::json import_stats(int machines, int seen, int read, int known, int broken, int lines_refused, int events_read,
                            int events_new, int events_updated, int events_unchanged, int events_refused) {
    return {{"machines", machines},
            {"segments_seen", seen},
            {"segments_read", read},
            {"segments_known", known},
            {"segments_broken", broken},
            {"lines_refused", lines_refused},
            {"events_read", events_read},
            {"events_new", events_new},
            {"events_updated", events_updated},
            {"events_unchanged", events_unchanged},
            {"events_refused", events_refused},
            {"session_costs", 0}};
}

/// `got` without its `folder` key, which is the test's temp path.
nlohmann::json without_folder(nlohmann::json got) {
    got.erase("folder");
    return got;
}

}  // namespace

TEST_CASE("folder sync: two machines write their own append-only segments and an import holds exactly the sum") {
    testing::TempDir shared;
    const std::string url = folder_url(shared.path());
    Machine laptop("laptop", url, "no-token-needed");
    Machine desktop("desktop", url, "no-token-needed", 2);  // 2 events per batch line
    const std::string laptop_id = machine_id(laptop);
    const std::string desktop_id = machine_id(desktop);
    REQUIRE(laptop_id != desktop_id);
    laptop.add_calls("l", 0, 3, 10);
    desktop.add_calls("d", 0, 5, 20);

    auto a = laptop.sync();
    CHECK(a["push"] == push_test::push_json("delivered", 3, 3, 0, 1, 0, 0, 0, 0, 0, nlohmann::json::array(), 0,
                                            "wrote 3 events in 1 segment to " + (shared / laptop_id).string()));
    auto b = desktop.sync();
    CHECK(b["push"]["sent"] == 5);
    CHECK(b["push"]["batches"] == 1);  // segments

    // Each machine wrote only into its own subfolder: one segment each.
    CHECK(names_in(shared.path()) ==
          std::vector<std::string>{std::min(laptop_id, desktop_id), std::max(laptop_id, desktop_id)});
    auto laptop_files = names_in(shared / laptop_id);
    auto desktop_files = names_in(shared / desktop_id);
    REQUIRE(laptop_files.size() == 1);
    REQUIRE(desktop_files.size() == 1);
    CHECK(testing::has_shape(laptop_files[0], "00000001-hhhhhhhhhhhhhhhh.jsonl.gz"));
    const auto desktop_lines = lines_of(shared / desktop_id / desktop_files[0]);
    REQUIRE(desktop_lines.size() == 3);  // 2 + 2 + 1 events
    for (const auto& line : desktop_lines) {
        CHECK(line["machine"]["id"] == desktop_id);
        CHECK(line["machine"]["name"] == "desktop");
        CHECK(line["user"] == "tester");  // the config default: $USER
        CHECK(line["protocol"] == 1);
    }
    const Snapshot laptop_first = snapshot(shared / laptop_id / laptop_files[0]);
    const Snapshot desktop_first = snapshot(shared / desktop_id / desktop_files[0]);

    // Nothing new: no segment.
    CHECK(laptop.sync()["push"]["outcome"] == "nothing_to_send");
    CHECK(names_in(shared / laptop_id).size() == 1);

    // The second round appends a segment each and leaves the first alone.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a rewrite would show in the mtime
    laptop.add_calls("l", 3, 2, 10);
    desktop.add_calls("d", 5, 1, 20);
    CHECK(laptop.sync()["push"]["sent"] == 2);
    CHECK(desktop.sync()["push"]["sent"] == 1);
    laptop_files = names_in(shared / laptop_id);
    desktop_files = names_in(shared / desktop_id);
    REQUIRE(laptop_files.size() == 2);
    REQUIRE(desktop_files.size() == 2);
    CHECK(testing::has_shape(laptop_files[1], "00000002-hhhhhhhhhhhhhhhh.jsonl.gz"));
    CHECK(events_in(shared / laptop_id / laptop_files[1]) == 2);
    CHECK(events_in(shared / desktop_id / desktop_files[1]) == 1);
    const Snapshot laptop_again = snapshot(shared / laptop_id / laptop_files[0]);
    const Snapshot desktop_again = snapshot(shared / desktop_id / desktop_files[0]);
    CHECK(laptop_again.bytes == laptop_first.bytes);
    CHECK(laptop_again.mtime == laptop_first.mtime);
    CHECK(desktop_again.bytes == desktop_first.bytes);
    CHECK(desktop_again.mtime == desktop_first.mtime);
    // No file is written by both: every line of a machine's folder is its own.
    for (const auto& [id, files] : {std::pair{laptop_id, laptop_files}, std::pair{desktop_id, desktop_files}})
        for (const auto& f : files)
            for (const auto& line : lines_of(shared / id / f)) CHECK(line["machine"]["id"] == id);

    // `status` shows the folder like an endpoint.
    auto status = nlohmann::json::parse(laptop.run({"status", "--json"}).out)["push"];
    CHECK(status["endpoint"] == url);
    CHECK(status["rows_waiting"] == 0);
    CHECK(status["last_result"] == "wrote 2 events in 1 segment to " + (shared / laptop_id).string());

    // A third store: exactly the sum.
    testing::AgentHome team;
    CHECK(without_folder(import_json(team, shared.path())) == import_stats(2, 4, 4, 0, 0, 0, 11, 11, 0, 0, 0));
    auto totals = team.report("summary").at("totals");
    CHECK(totals["events"] == 11);
    CHECK(totals["output_tokens"] == 5 * 10 + 6 * 20);
    CHECK(totals["input_tokens"] == 11 * 3);
    CHECK(totals["cache_read_tokens"] == 11 * 100);
    auto local_sum = laptop.local_totals();
    auto desktop_totals = desktop.local_totals();
    for (const char* key : {"events", "input_tokens", "output_tokens", "cache_read_tokens", "total_tokens"})
        CHECK_MESSAGE(totals[key] == local_sum[key].get<std::int64_t>() + desktop_totals[key].get<std::int64_t>(), key);
    auto machines = team.report("machines");
    CHECK(machines["rows"].size() == 2);
    CHECK(serve_test::row(machines, "laptop")["events"] == 5);
    CHECK(serve_test::row(machines, "desktop")["events"] == 6);

    // Again: nothing read, nothing changed.
    CHECK(without_folder(import_json(team, shared.path())) == import_stats(2, 4, 0, 4, 0, 0, 0, 0, 0, 0, 0));
    CHECK(team.report("summary").at("totals") == totals);

    // A machine that imported the others' events never writes them into its own segments.
    CHECK(import_json(laptop, shared.path())["events_new"] == 6);
    laptop.add_calls("l", 5, 1, 10);
    CHECK(laptop.sync()["push"]["sent"] == 1);
    laptop_files = names_in(shared / laptop_id);
    REQUIRE(laptop_files.size() == 3);
    CHECK(events_in(shared / laptop_id / laptop_files[2]) == 1);
    CHECK(without_folder(import_json(team, shared.path())) == import_stats(2, 5, 1, 4, 0, 0, 1, 1, 0, 0, 0));
    CHECK(team.report("summary").at("totals")["events"] == 12);
}

TEST_CASE("folder sync: a truncated segment, a bad line and a refused event are skipped with warnings naming them") {
    testing::TempDir shared;
    Machine laptop("laptop", folder_url(shared.path()), "no-token-needed");
    const std::string laptop_id = machine_id(laptop);
    laptop.add_calls("l", 0, 4, 10);
    REQUIRE(laptop.sync()["push"]["sent"] == 4);
    const fs::path good = shared / laptop_id / names_in(shared / laptop_id).at(0);
    const std::string whole = testing::read_file(good);

    // Another machine's segment, delivered half by a sync tool.
    const fs::path truncated = shared / "machine-b" / "00000001-00000000000000aa.jsonl.gz";
    testing::write_file(truncated, whole.substr(0, whole.size() / 2));
    // A third machine's segment: a line that is not JSON, then a batch whose
    // first event the endpoint would refuse (its own id, so nothing collides).
    std::string text = usage::gzip_decompress(whole, 1u << 30);
    for (const std::string from : {"claude-code:l", "req_l"})
        for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
            text.replace(at, from.size(), from.substr(0, from.size() - 1) + "k");
    const auto source = text.find("\"source\":\"claude-code\"");
    REQUIRE(source != std::string::npos);
    text.replace(source, 22, "\"source\":\"\"");
    const fs::path mixed = shared / "machine-c" / "00000001-00000000000000bb.jsonl.gz";
    testing::write_file(mixed, usage::gzip_compress("this is not json\n" + text));
    // A segment still being written: never read, never warned about.
    testing::write_file(shared / "machine-c" / ".00000000000000cc.tmp", "partial");

    testing::AgentHome team;
    std::string err;
    CHECK(without_folder(import_json(team, shared.path(), &err)) == import_stats(3, 3, 2, 0, 1, 1, 4 + 3, 7, 0, 0, 1));
    CHECK(err == "warning: " + truncated.string() +
                     ": segment skipped (incomplete or damaged; read again next time): gzip: truncated compressed "
                     "body\n"
                     "warning: " +
                     mixed.string() + ":1: not a JSON object; line skipped\nwarning: " + mixed.string() +
                     ":2: event 'claude-code:k0:req_k0' refused: 'events[0].source' must not be empty; event "
                     "skipped\n");
    CHECK(team.report("summary").at("totals")["events"] == 7);

    // The damaged segment is tried again (and still skipped); the rest is known.
    CHECK(without_folder(import_json(team, shared.path())) == import_stats(3, 3, 0, 2, 1, 0, 0, 0, 0, 0, 0));
    // The sync tool completes it: read, and its events (laptop's ids) change nothing.
    testing::write_file(truncated, whole);
    CHECK(without_folder(import_json(team, shared.path())) == import_stats(3, 3, 1, 2, 0, 0, 4, 0, 0, 4, 0));
    CHECK(team.report("summary").at("totals")["events"] == 7);
}

TEST_CASE("folder sync: a missing shared folder is reported and never created, and the rows wait") {
    testing::TempDir parent;
    const fs::path shared = parent / "team usage";  // a space: percent-encoded in the URL
    Machine laptop("laptop", "file://" + parent.path().string() + "/team%20usage", "no-token-needed");
    laptop.add_calls("l", 0, 2, 10);
    auto r = laptop.run({"sync", "--once", "--json"});
    CHECK(r.exit_code == 1);
    auto push = nlohmann::json::parse(r.out)["push"];
    const std::string message = shared.string() + ": the shared folder does not exist (sync.endpoint file://" +
                                parent.path().string() +
                                "/team%20usage); create or mount it: only this machine's subfolder is created in it";
    CHECK(push["outcome"] == "unreachable");
    CHECK(push["still_queued"] == 2);
    CHECK(push["message"] == message);
    CHECK(r.err == "usage-agent: push: " + message + "\n");
    CHECK_FALSE(fs::exists(shared));
    CHECK(nlohmann::json::parse(laptop.run({"status", "--json"}).out)["push"]["rows_waiting"] == 2);

    fs::create_directory(shared);
    auto ok = laptop.sync();
    CHECK(ok["push"]["sent"] == 2);
    CHECK(names_in(shared / machine_id(laptop)).size() == 1);
}

TEST_CASE("folder sync: import folder refuses a path that is not a folder") {
    testing::AgentHome team;
    const auto missing = (team.dir / "nope").string();
    auto r = team.run({"import", "folder", missing});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "usage-agent: " + missing + ": no such folder (see 'usage-agent import --help')\n");
    testing::write_file(team.dir / "file.txt", "x");
    r = team.run({"import", "folder", (team.dir / "file.txt").string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "usage-agent: " + (team.dir / "file.txt").string() + ": not a folder (see 'usage-agent import --help')\n");
}

TEST_CASE("folder sync: serve --import-dir serves the folder and picks up segments written after it started") {
    testing::TempDir shared;
    Machine laptop("laptop", folder_url(shared.path()), "no-token-needed");
    Machine desktop("desktop", folder_url(shared.path()), "no-token-needed");
    laptop.add_calls("l", 0, 3, 10);
    REQUIRE(laptop.sync()["push"]["sent"] == 3);

    testing::AgentHome team;
    testing::ServeProcess server(team, {"--import-dir", shared.path().string()});
    auto events_served = [&] {
        return serve_test::get_json(server, "/api/v1/summary").at("totals").at("events").get<int>();
    };
    auto wait_for = [&](int events) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (events_served() != events && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return events_served();
    };
    CHECK(wait_for(3) == 3);

    // A new machine's folder and segment, then a second segment of the first.
    desktop.add_calls("d", 0, 5, 20);
    REQUIRE(desktop.sync()["push"]["sent"] == 5);
    CHECK(wait_for(8) == 8);
    laptop.add_calls("l", 3, 1, 10);
    REQUIRE(laptop.sync()["push"]["sent"] == 1);
    CHECK(wait_for(9) == 9);
    auto totals = serve_test::get_json(server, "/api/v1/summary").at("totals");
    CHECK(totals["output_tokens"] == 4 * 10 + 5 * 20);
    CHECK(server.err().find("usage-agent serve: imported 1 segment from " + shared.path().string() +
                            ": 5 new, 0 "
                            "updated, 0 unchanged rows\n") != std::string::npos);
    CHECK(server.stop() == 0);
}

TEST_CASE("folder sync: run writes a segment at start and holds later rows back for a minute") {
    testing::TempDir shared;
    Machine laptop("laptop", folder_url(shared.path()), "no-token-needed");
    const std::string id = machine_id(laptop);
    laptop.add_calls("l", 0, 3, 10);
    testing::AgentProcess agent({"run", "--log-level", "debug"}, laptop.env);
    REQUIRE(agent.wait_for_err("info: push: wrote 3 events in 1 segment to " + (shared / id).string()));
    laptop.add_calls("l", 3, 2, 10);
    // Found at once, held back: no second file within the minute.
    REQUIRE(agent.wait_for_err("debug: push: 2 events wait for the next segment (at most one every 60 s)"));
    CHECK(names_in(shared / id).size() == 1);
    auto status = nlohmann::json::parse(laptop.run({"status", "--json"}).out)["push"];
    CHECK(status["rows_waiting"] == 2);
    CHECK(status["last_result"] == "wrote 3 events in 1 segment to " + (shared / id).string());
    CHECK(agent.stop() == 0);
    // The rows are not lost: the next push writes them.
    CHECK(laptop.sync()["push"]["sent"] == 2);
    CHECK(names_in(shared / id).size() == 2);
}

TEST_CASE("folder sync: the session cost ledger travels in segments, alone or with events") {
    testing::TempDir shared;
    push_test::PushHome h(folder_url(shared.path()), "no-token-needed");
    const std::string own = (shared / machine_id(h)).string();
    h.add_calls(1, 2);
    CHECK(h.sync_json()["push"]["message"] == "wrote 2 events in 1 segment to " + own);
    push_test::statusline_cost(h, "0.75");
    CHECK(h.sync_json()["push"]["message"] == "wrote 0 events in 1 segment to " + own + " with 1 session cost");
    CHECK(h.sync_json()["push"]["message"] == "nothing to push");

    testing::AgentHome team;
    auto stats = import_json(team, shared.path());
    CHECK(stats["session_costs"] == 1);
    CHECK(stats["events_new"] == 2);
    auto s1 = serve_test::row(team.report("sessions"), "s1");
    CHECK(s1["ledger_cost_usd"] == 0.75);
    CHECK(s1["session_cost_usd"] == 0.75);
    CHECK(s1["session_cost_origin"] == "ledger");
    CHECK(s1["events"] == 2);
}

TEST_CASE("folder sync: rows written again after a crash before the mark moved count once on import") {
    testing::TempDir shared;
    Machine laptop("laptop", folder_url(shared.path()), "no-token-needed");
    const std::string id = machine_id(laptop);
    laptop.add_calls("l", 0, 3, 10);
    REQUIRE(laptop.sync()["push"]["sent"] == 3);
    {
        // The segment is in place but the mark never moved: what a crash between the two leaves.
        SQLite::Database db((laptop.dir / "state" / "usage.db").string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE push_state SET seq = -1, row = -1");
    }
    laptop.add_calls("l", 3, 1, 10);
    CHECK(laptop.sync()["push"]["sent"] == 4);
    const auto files = names_in(shared / id);
    REQUIRE(files.size() == 2);
    CHECK(events_in(shared / id / files[0]) == 3);
    CHECK(events_in(shared / id / files[1]) == 4);

    testing::AgentHome team;
    CHECK(without_folder(import_json(team, shared.path())) == import_stats(1, 2, 2, 0, 0, 0, 7, 4, 0, 3, 0));
    auto totals = team.report("summary").at("totals");
    CHECK(totals["events"] == 4);
    CHECK(totals["output_tokens"] == 4 * 10);
}
