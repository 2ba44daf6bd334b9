// Never losing data, under SIGKILL: `sync --once` (scanning and pushing) and
// `run` are killed at random moments, again and again, while transcripts keep
// growing; after one last undisturbed sync the store, its check and the
// endpoint hold exactly every call, once. bench/kill_soak.sh does the same
// with hundreds of kills on a large generated home of all five sources.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <random>
#include <thread>

#include "push_helpers.hpp"

namespace {

using push_test::Endpoint;
using push_test::PushHome;

constexpr int kFiles = 30;
constexpr int kCallsPerFile = 120;
constexpr int kGrowth = 15;  ///< calls appended before each kill

// Calls with a few KB of text around each usage line, so a scan and a push
// take long enough to be cut in every phase.
struct GrowingHome {
    PushHome& h;
    std::mt19937 rng{20261205};
    std::int64_t calls = 0;
    std::int64_t output = 0;

    void append(int file, int count) {
        std::string lines;
        const std::string filler(3000, 'x');
        for (int i = 0; i < count; ++i) {
            const std::string id = "msg_" + std::to_string(calls);
            const std::int64_t out = 1 + calls % 997;
            lines += claude_test::user_line(filler);
            lines += claude_test::Assistant(id, "req_" + id, 5, 0, 0, out)
                         .model("claude-sonnet-4-5")
                         .session("s" + std::to_string(file))
                         .at("2026-01-10T10:00:00.000Z")
                         .line();
            ++calls;
            output += out;
        }
        testing::append_file(h.dir / "home" / ".claude" / "projects" / ("-w-p" + std::to_string(file % 7)) /
                                 ("s" + std::to_string(file) + ".jsonl"),
                             lines);
    }
    void grow() { append(static_cast<int>(rng() % kFiles), kGrowth); }
    std::chrono::milliseconds pause(int max_ms) { return std::chrono::milliseconds(rng() % max_ms); }
};

}  // namespace

TEST_CASE("kill soak: sync and run killed at random 30 times while transcripts grow, nothing lost, nothing twice") {
    Endpoint team;
    PushHome h(team.url(), team.token, "  batch_size: 100\n");
    GrowingHome home{h};
    for (int f = 0; f < kFiles; ++f) home.append(f, kCallsPerFile);

    int killed = 0;
    for (int round = 0; round < 30; ++round) {
        const bool run = round % 6 == 5;  // every sixth: the background agent
        testing::AgentProcess agent(run ? std::vector<std::string>{"run"} : std::vector<std::string>{"sync", "--once"},
                                    h.env);
        std::this_thread::sleep_for(home.pause(run ? 1000 : 200));
        if (!agent.exited()) {
            agent.signal(SIGKILL);
            if (agent.wait() == 128 + SIGKILL) ++killed;
        }
        home.grow();
    }
    INFO("killed " << killed << " of 30");
    // Most runs are cut (how many depends on this machine's speed; a run
    // that finished first is fine, but the test must have cut some).
    CHECK(killed >= 5);

    const auto done = h.sync_json();
    CHECK(done["push"]["outcome"] == "delivered");
    const auto mine = h.report("summary")["totals"];
    CHECK(mine["events"] == home.calls);
    CHECK(mine["input_tokens"] == 5 * home.calls);
    CHECK(mine["output_tokens"] == home.output);
    CHECK(h.status()["push"]["rows_waiting"] == 0);
    const auto theirs = team.totals();
    CHECK(theirs["events"] == home.calls);
    CHECK(theirs["output_tokens"] == home.output);
    auto check = h.run({"store", "check"});
    CHECK(check.exit_code == 0);
    CHECK(check.out.find("the rollups match the events") != std::string::npos);
}
