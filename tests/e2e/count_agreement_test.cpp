// End to end: `sync`, `status`, `report` and the push print numbers that
// agree on a home with superseded rows (a Claude sidechain replay of a call
// the main transcript also holds: the project fixture sidechain-replay, 4
// rows of which 3 events). "Events" are what reports count; the push and
// its queue count rows, shown as events plus superseded copies.
#include <doctest/doctest.h>

#include "push_helpers.hpp"

using push_test::Endpoint;
using push_test::PushHome;

namespace {

const std::filesystem::path kFixture = testing::source_dir() / "plugins" / "claude_code" / "tests" / "fixtures" /
                                       "sidechain-replay" / "projects" / "-home-dev-delta";
const std::string kMain = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a.jsonl";
const std::string kReplay = "agent-0b0b0b0b.jsonl";

void copy_in(const PushHome& h, const std::string& file) {
    testing::write_file(h.dir / "home" / ".claude" / "projects" / "-home-dev-delta" / file,
                        testing::read_file(kFixture / file));
}

// The per-source line of `sync` without its byte count and time.
std::string scan_line(const std::string& out) {
    const auto start = out.find("claude-code: ");
    REQUIRE(start != std::string::npos);
    const std::string line = out.substr(start, out.find('\n', start) - start);
    const auto bytes = line.find("B in ");
    REQUIRE(bytes != std::string::npos);
    const auto cut = line.rfind(", ", bytes);
    REQUIRE(cut != std::string::npos);
    return line.substr(0, cut + 2);
}

}  // namespace

TEST_CASE("counts: sync, status, report and the push agree when a replay is read with its main call") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    std::filesystem::remove(h.transcript);
    copy_in(h, kMain);
    copy_in(h, kReplay);
    auto sync = h.run({"sync", "--once"});
    REQUIRE(sync.exit_code == 0);
    CHECK(scan_line(sync.out) == "claude-code: 2 of 2 files read, 3 new events, 0 updated, ");
    CHECK(sync.out.ends_with("\npush: pushed 4 rows (3 events, 1 superseded copy) in 1 batch to " + team.url() + "\n"));
    CHECK(h.report("summary")["totals"]["events"] == 3);
    auto status = h.status();
    CHECK(status["events"] == 3);
    CHECK(status["events_by_source"] == nlohmann::json{{"claude-code", 3}});
    CHECK(h.run({"status"}).out.find("\nevents:    3 (claude-code 3)\n") != std::string::npos);
    CHECK(team.totals()["events"] == 3);
}

TEST_CASE("counts: a replay stored first and superseded by a later scan is counted once everywhere") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    std::filesystem::remove(h.transcript);
    copy_in(h, kReplay);
    auto alone = h.run({"sync", "--once", "--no-push"});
    REQUIRE(alone.exit_code == 0);
    // Alone, a sidechain call is a real call.
    CHECK(scan_line(alone.out) == "claude-code: 1 of 1 files read, 1 new event, 0 updated, ");
    CHECK(h.report("summary")["totals"]["events"] == 1);
    CHECK(h.run({"status"}).out.find("\nevents:    1 (claude-code 1)\n") != std::string::npos);
    CHECK(h.run({"status"}).out.find("\nwaiting:   1 event\n") != std::string::npos);

    // The main transcript: 3 new events, and the replay stored before is now
    // a superseded copy. Report: 1 + 3 - 1 = 3.
    copy_in(h, kMain);
    auto json = h.run({"sync", "--once", "--no-push", "--json"});
    REQUIRE(json.exit_code == 0);
    const auto out = nlohmann::json::parse(json.out);
    nlohmann::json source;
    for (const auto& s : out.at("sources"))
        if (s.at("source") == "claude-code") source = s;
    CHECK(source["events_new"] == 3);
    CHECK(source["events_superseded"] == 1);
    CHECK(source["events_updated"] == 0);
    CHECK(h.report("summary")["totals"]["events"] == 3);
    auto status = h.status();
    CHECK(status["events"] == 3);
    CHECK(status["push"]["rows_waiting"] == 4);
    CHECK(status["push"]["events_waiting"] == 3);
    CHECK(status["push"]["superseded_waiting"] == 1);
    CHECK(h.run({"status"}).out.find("\nwaiting:   4 rows (3 events, 1 superseded copy)\n") != std::string::npos);

    auto push = h.sync_json()["push"];
    CHECK(push["sent"] == 4);
    CHECK(push["sent_superseded"] == 1);
    CHECK(push["endpoint_new"] == 4);
    CHECK(push["message"] == "pushed 4 rows (3 events, 1 superseded copy) in 1 batch to " + team.url());
    CHECK(team.totals()["events"] == 3);
    CHECK(h.status()["push"]["rows_waiting"] == 0);

    // Read again from the start: nothing new, nothing superseded, nothing to push.
    auto again = h.run({"sync", "--once", "--full-rescan"});
    REQUIRE(again.exit_code == 0);
    CHECK(scan_line(again.out) == "claude-code: 2 of 2 files read, 0 new events, 0 updated, ");
    CHECK(again.out.ends_with("\npush: nothing to push\n"));
}
