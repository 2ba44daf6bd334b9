// A full disk while the agent writes - its store during a scan, its push
// state after a delivered batch: nothing advances (no cursor past unstored
// events, no push mark past unrecorded deliveries), the run says why and
// exits 1, and the next run completes with every count exact. The disk is
// "full" through RLIMIT_FSIZE (writes past it fail with EFBIG, SIGXFSZ
// ignored), which needs neither root nor a mount.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>

#include "push_helpers.hpp"

namespace {

namespace fs = std::filesystem;

// Room for SQLite's shared-memory index (32 KiB) and a WAL of a few pages,
// not for the pages a push's records or a scan's events need.
constexpr rlim_t kLimit = 32 * 1024;

// No file the agent writes may grow past `bytes`.
testing::ChildSetup file_size_limit(rlim_t bytes) {
    return [bytes] {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        if (::sigaction(SIGXFSZ, &ignore, nullptr) != 0) return false;
        const rlimit limit{bytes, bytes};
        return ::setrlimit(RLIMIT_FSIZE, &limit) == 0;
    };
}

testing::RunResult run_limited(const push_test::PushHome& h, const std::vector<std::string>& args, rlim_t bytes) {
    std::vector<std::string> argv{fs::canonical(USAGE_AGENT_BIN).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run_command(argv, h.env, file_size_limit(bytes));
}

}  // namespace

TEST_CASE(
    "disk full: while scanning nothing is stored, while recording a push the mark stays, the next runs are exact") {
    push_test::Endpoint team;
    // One event per batch: every delivered batch is one more commit of the
    // push state, which soon finds no room.
    push_test::PushHome h(team.url(), team.token, "  batch_size: 1\n");
    h.add_calls(1, 40);
    REQUIRE(h.run({"sync", "--once", "--no-push"}).exit_code == 0);
    CHECK(h.report("summary")["totals"]["events"] == 40);

    // Some batches are delivered and recorded, then one is delivered but
    // cannot be recorded: the mark stays at the last one recorded, and the
    // rest - that one included - stay waiting.
    const auto push = run_limited(h, {"sync", "--once"}, kLimit);
    INFO("stderr: " << push.err);
    CHECK(push.exit_code == 1);
    CHECK(push.err.find("usage.db: disk I/O error") != std::string::npos);
    const auto delivered = team.totals()["events"].get<int>();
    const auto waiting = h.status()["push"]["rows_waiting"].get<int>();
    CHECK(delivered > 0);
    CHECK(waiting > 0);
    CHECK(delivered + waiting >= 40);  // nothing is marked that the endpoint lacks
    CHECK(delivered + waiting <= 41);  // at most the one batch it could not record

    // More calls, scanned on a full disk: none is stored, the cursor stays.
    h.add_calls(41, 2);
    const auto scan = run_limited(h, {"sync", "--once", "--no-push"}, kLimit);
    INFO("stderr: " << scan.err);
    CHECK(scan.exit_code == 1);
    CHECK(h.report("summary")["totals"]["events"] == 40);

    // Space again: everything is stored and delivered once.
    const auto done = h.sync_json();
    CHECK(done["push"]["outcome"] == "delivered");
    constexpr int kOutput = 10 * 42 * 43 / 2;  // calls 1..42, output 10 x N
    CHECK(h.report("summary")["totals"]["events"] == 42);
    CHECK(h.report("summary")["totals"]["output_tokens"] == kOutput);
    CHECK(h.status()["push"]["rows_waiting"] == 0);
    CHECK(team.totals()["events"] == 42);
    CHECK(team.totals()["output_tokens"] == kOutput);
}
