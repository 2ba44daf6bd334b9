// End to end: `usage-agent run` on a temporary home pushing to the real
// `serve --ingest` on 127.0.0.1. What a user installs once and forgets: a new
// line is at the endpoint within two seconds, new folders are picked up,
// signals do what systemd and launchd expect, a kill loses nothing and
// counts nothing twice, an endpoint that was down gets everything later.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "push_helpers.hpp"
#include "transcripts/codex_rollout.hpp"
#include "transcripts/opencode_fixture.hpp"

using push_test::Endpoint;
using push_test::PushHome;
using std::chrono::milliseconds;

namespace {

// `run --log-level debug` on a home; returns once its first scan is done.
std::unique_ptr<testing::AgentProcess> start_run(const PushHome& h) {
    auto agent =
        std::make_unique<testing::AgentProcess>(std::vector<std::string>{"run", "--log-level", "debug"}, h.env);
    const bool scanned = agent->wait_for_err(" scan: ");
    INFO("stderr: " << agent->err());
    REQUIRE(scanned);
    return agent;
}

std::int64_t endpoint_events(const Endpoint& team) {
    return team.totals()["events"].get<std::int64_t>();
}

// How long until the endpoint holds `want` events (nullopt: not within `limit`).
std::optional<milliseconds> arrival(const Endpoint& team, std::int64_t want, milliseconds limit = milliseconds(20000)) {
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
        const auto spent = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0);
        if (endpoint_events(team) == want) return spent;
        if (spent > limit) return std::nullopt;
        std::this_thread::sleep_for(milliseconds(10));
    }
}

codex_test::Rollout codex_rollout() {
    codex_test::Meta m;
    m.id = codex_test::v7(codex_test::kT0, 1);
    codex_test::Rollout r(m);
    r.turn(codex_test::kT0 + 1000, codex_test::v7(codex_test::kT0 + 1000, 2), "gpt-5.1-codex");
    r.call(codex_test::kT0 + 2000, {1000, 500, 10, 1}).call(codex_test::kT0 + 3000, {2000, 1000, 20, 2});
    return r;
}

}  // namespace

TEST_CASE("run: appended lines, a new project folder and a new Codex day folder reach the endpoint within 2 s") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    std::filesystem::create_directories(h.dir / "home" / ".codex" / "sessions");
    auto agent = start_run(h);

    h.add_calls(1, 1);
    auto t = arrival(team, 1);
    REQUIRE(t);
    CHECK(t->count() < 2000);

    // A folder created after the watches were set: watched as it appears.
    testing::write_file(h.dir / "home" / ".claude" / "projects" / "-w-new" / "s9.jsonl", PushHome::line("msg_9", 90));
    t = arrival(team, 2);
    REQUIRE(t);
    CHECK(t->count() < 2000);

    // sessions/2026/03/01/ does not exist yet: three new folders, then the file.
    const auto rollout = codex_rollout();
    testing::write_file(h.dir / "home" / ".codex" / rollout.session_path(), rollout.text());
    t = arrival(team, 4);
    REQUIRE(t);
    CHECK(t->count() < 2000);
    auto totals = team.totals();
    CHECK(totals["output_tokens"] == 10 + 90 + 10 + 20);

    // Appending to a file already read: only the new line is read and sent.
    testing::append_file(h.transcript, PushHome::line("msg_2", 20));
    t = arrival(team, 5);
    REQUIRE(t);
    CHECK(t->count() < 2000);

    const auto t0 = std::chrono::steady_clock::now();
    agent->signal(SIGTERM);
    const int code = agent->wait(milliseconds(5000));
    const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0);
    CHECK(code == 0);
    CHECK(took.count() < 2000);
    CHECK(agent->err().find("info: stopped\n") != std::string::npos);
    CHECK(h.status()["push"]["rows_waiting"] == 0);
    CHECK(h.status()["agent"]["running"] == false);
}

TEST_CASE("run: an OpenCode database written to is scanned, at most once per sources.opencode.min_interval") {
    Endpoint team;
    PushHome h(team.url(), team.token, "sources:\n  opencode:\n    min_interval: 1\n");
    const auto data = h.dir / "xdg-data";
    h.env["XDG_DATA_HOME"] = data.string();
    opencode_test::Db db(data / "opencode" / "opencode.db");
    db.project("prj_app", "/w/app");
    db.session("ses_main", "prj_app", "", "/w/app");
    auto agent = start_run(h);

    db.assistant(opencode_test::assistant("msg_a1", "ses_main", {1000, 200, 0, 0, 0}), 1767225600001);
    REQUIRE(arrival(team, 1));
    // A call that keeps streaming: rewritten rows, one event that grows.
    for (int i = 1; i <= 5; ++i) {
        db.assistant(opencode_test::assistant("msg_a2", "ses_main", {500, 100 * i, 0, 0, 0}), 1767225600002 + i);
        std::this_thread::sleep_for(milliseconds(100));
    }
    REQUIRE(arrival(team, 2));
    for (int i = 0; i < 300 && team.totals()["output_tokens"] != 200 + 500; ++i)
        std::this_thread::sleep_for(milliseconds(10));
    CHECK(team.totals()["output_tokens"] == 200 + 500);
    // Six writes within ~0.5 s after the first scan of the burst: a second
    // scan at most (the one-second interval), never one per write.
    const std::string err = agent->err();
    std::size_t scans = 0;
    for (auto at = err.find("scan: opencode"); at != std::string::npos; at = err.find("scan: opencode", at + 1))
        ++scans;
    CHECK(scans <= 3);
    CHECK(agent->stop() == 0);
}

TEST_CASE("run: SIGHUP with a broken config keeps the old one, a second run on the state dir is refused") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    auto agent = start_run(h);

    auto second = h.run({"run"});
    CHECK(second.exit_code == 1);
    const auto state = h.dir / "state";
    CHECK(second.err == "usage-agent: another `usage-agent run` (pid " + std::to_string(agent->pid()) +
                            ") already runs on " + state.string() + " (lock " + (state / "run.lock").string() + ")\n");
    auto status = h.status();
    CHECK(status["agent"]["running"] == true);
    CHECK(status["agent"]["pid"] == agent->pid());

    const auto config = h.dir / "home" / ".config" / "usage-agent" / "config.yaml";
    const std::string good = testing::read_file(config);
    testing::write_file(config, good + "bogus: [\n");
    agent->signal(SIGHUP);
    REQUIRE(agent->wait_for_err(
        "SIGHUP: the config was not reloaded, the previous one stays in use: " + config.string() + ":"));
    h.add_calls(1, 2);  // still running, still pushing with the old config
    REQUIRE(arrival(team, 2));

    testing::write_file(config, good);
    agent->signal(SIGHUP);
    REQUIRE(agent->wait_for_err("info: SIGHUP: config reloaded from " + config.string()));
    h.add_calls(3, 1);
    REQUIRE(arrival(team, 3));
    CHECK(agent->stop() == 0);
}

TEST_CASE("run: killed with SIGKILL during a burst of appends and started again, every event arrives exactly once") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    auto agent = start_run(h);
    constexpr int kCalls = 60;
    for (int n = 1; n <= kCalls; ++n) {
        h.add_calls(n, 1);
        std::this_thread::sleep_for(milliseconds(20));
        if (n == kCalls / 2) {
            agent->signal(SIGKILL);
            CHECK(agent->wait() == 128 + SIGKILL);
        }
    }
    const std::int64_t before_restart = endpoint_events(team);
    CHECK(before_restart > 0);
    CHECK(before_restart <= kCalls / 2);
    agent = start_run(h);
    REQUIRE(arrival(team, kCalls));
    auto totals = team.totals();
    CHECK(totals["events"] == kCalls);
    CHECK(totals["input_tokens"] == 5 * kCalls);
    CHECK(totals["output_tokens"] == 10 * kCalls * (kCalls + 1) / 2);
    CHECK(agent->stop() == 0);
    CHECK(h.status()["push"]["rows_waiting"] == 0);
}

TEST_CASE("run: the endpoint down while calls are appended, everything arrives once it is back, scans go on") {
    auto team = std::make_unique<Endpoint>();
    const std::string url = team->url();
    PushHome h(url, team->token);
    auto agent = start_run(h);
    h.add_calls(1, 1);
    REQUIRE(arrival(*team, 1));

    // Down: the serve process is gone, its store and port stay.
    const std::string listen = url.substr(std::string("http://").size());
    team->server.stop();
    h.add_calls(2, 3);
    // Scanning does not wait for the endpoint: the new calls are stored.
    for (int i = 0; i < 300 && h.report("summary")["totals"]["events"] != 4; ++i)
        std::this_thread::sleep_for(milliseconds(10));
    CHECK(h.report("summary")["totals"]["events"] == 4);
    REQUIRE(agent->wait_for_err("error: push: "));

    // Back on the same address, with the same store: the backoff's next try delivers.
    testing::ServeProcess back(team->home, {"--ingest"}, listen);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 1500; ++i) {
        auto r = serve_test::get(back, "/api/v1/summary", team->reader);
        if (r.status == 200 && nlohmann::json::parse(r.body)["totals"]["events"] == 4) break;
        std::this_thread::sleep_for(milliseconds(20));
    }
    INFO("agent stderr: " << agent->err());
    CHECK(serve_test::get_json(back, "/api/v1/summary", team->reader)["totals"]["events"] == 4);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));  // the first retries are seconds apart
    CHECK(agent->stop() == 0);
}

TEST_CASE("run --poll: no folder is watched, an appended line arrives at the next poll") {
    Endpoint team;
    PushHome h(team.url(), team.token);
    testing::AgentProcess agent({"run", "--poll", "1", "--log-level", "debug"}, h.env);
    REQUIRE(agent.wait_for_err(" scan: "));
    CHECK(agent.err().find("info: --poll: every source is scanned every 1 s (no inotify)\n") != std::string::npos);
    CHECK(agent.err().find("0 folders watched; safety rescan every 300 s\n") != std::string::npos);
    h.add_calls(1, 2);
    auto t = arrival(team, 2);
    REQUIRE(t);
    CHECK(t->count() < 3000);  // the next poll, at most a second away, then the scan and push
    CHECK(agent.stop() == 0);

    auto bad = h.run({"run", "--poll", "0"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.starts_with("usage-agent: --poll: "));
}

// The watch limit is per user namespace (Linux 5.11+): the agent runs in one
// of its own whose limit is a single watch, so nothing else on the machine
// notices, and its project folder cannot be watched.
TEST_CASE("run: out of inotify watches, it says so once and polls the folders it could not watch") {
    if (std::system("unshare -U -r sh -c 'echo 1 > /proc/sys/user/max_inotify_watches' 2>/dev/null") != 0) {
        MESSAGE("skipped: this machine does not let a test start a user namespace (unshare -U -r)");
        return;
    }
    Endpoint team;
    PushHome h(team.url(), team.token);
    const std::vector<std::string> one_watch{
        "/usr/bin/unshare", "-U", "-r",
        "/bin/sh",          "-c", "echo 1 > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\""};
    testing::AgentProcess agent({"run", "--log-level", "debug"}, h.env, false, one_watch);
    REQUIRE(agent.wait_for_err(" scan: "));
    INFO("stderr: " << agent.err());
    CHECK(agent.err().find("warn: the inotify watch limit is reached (1 folder watched): the other folders are polled "
                           "every 10 s; raise it with `sudo sysctl fs.inotify.max_user_watches=524288`") !=
          std::string::npos);
    h.add_calls(1, 2);  // in the project folder, which is not watched
    auto t = arrival(team, 2);
    REQUIRE(t);
    CHECK(t->count() < 12000);  // the next poll, at most 10 s away
    CHECK(agent.stop() == 0);
    const std::string err = agent.err();
    CHECK(err.find("watch limit") == err.rfind("watch limit"));  // said once
}
