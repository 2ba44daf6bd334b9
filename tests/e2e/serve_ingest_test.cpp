// End to end: agents' batches into `usage-agent serve --ingest` and the
// numbers back out of the read API, through real processes on 127.0.0.1.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "serve_helpers.hpp"

using namespace serve_test;

namespace {

// Alice's machine: three calls in two sessions, plus one the agent already
// knows to be a superseded copy.
//   a1 s1 10:00 sonnet in 1000 out 100 cr 10000 cw 2000 = 15000 micro-USD
//   a2 s1 10:30 sonnet in 500  out 50                    =  2250
//   a3 s2 +1d   opus   in 10   out 20                    =  1650
const std::vector<Call> kAlice = {
    {"msg_a1:req_a1", "s1", kJan10, 1000, 100, 10000, 2000},
    {"msg_a2:req_a2", "s1", kJan10 + 30 * kMinute, 500, 50},
    {"msg_a3:req_a3", "s2", kJan10 + 1440 * kMinute, 10, 20, 0, 0, kOpus},
    {"msg_a4:req_a4", "s2", kJan10 + 1441 * kMinute, 7, 7, 0, 0, kSonnet, true},
};

}  // namespace

TEST_CASE("serve: ingest with a token, then summary and by-machine with exact numbers") {
    testing::AgentHome home;
    const std::string admin = add_token(home, "root", "admin");
    const std::string alice = add_token(home, "alice", "member");
    CHECK(alice.rfind("ua_", 0) == 0);
    CHECK(alice.size() == 46);
    testing::ServeProcess server(home, {"--ingest"});

    auto r = ingest(server, batch("m-alice", "alice-laptop", kAlice), alice);
    REQUIRE(r.status == 200);
    CHECK(nlohmann::json::parse(r.body) ==
          nlohmann::json{{"protocol", 1}, {"received", 4}, {"new", 4}, {"updated", 0}, {"unchanged", 0}});

    auto s = get_json(server, "/api/v1/summary", admin);
    const auto& t = s["totals"];
    CHECK(t["events"] == 3);  // the superseded copy counts nowhere
    CHECK(t["sessions"] == 2);
    CHECK(t["input_tokens"] == 1510);
    CHECK(t["output_tokens"] == 170);
    CHECK(t["cache_read_tokens"] == 10000);
    CHECK(t["cache_write_tokens"] == 2000);
    CHECK(t["cache_write_5m_tokens"] == 2000);
    CHECK(t["total_tokens"] == 13680);
    // Priced by the endpoint's own table: 15000 + 2250 + 1650 micro-USD.
    CHECK(t["cost_usd"].get<double>() == doctest::Approx(0.0189).epsilon(1e-12));
    CHECK(t["estimated_cost_usd"].get<double>() == doctest::Approx(0.0189).epsilon(1e-12));
    CHECK(t["reported_cost_usd"].get<double>() == 0.0);
    CHECK(t["unpriced_events"] == 0);
    CHECK(t["users"] == 1);
    CHECK(t["machines"] == 1);
    CHECK(t["avg_tokens_per_session"] == 6840);
    CHECK(t["avg_cost_usd_per_session"].get<double>() == doctest::Approx(0.00945).epsilon(1e-12));
    CHECK(t["avg_session_seconds"].get<double>() == 900.0);  // (1800 s + 0 s) / 2
    CHECK(s["range"]["tz"] == "UTC");
    REQUIRE(s["rows"].size() == 1);
    CHECK(s["rows"][0]["key"] == "claude-code");
    CHECK(s["paging"] == nlohmann::json{{"limit", nullptr}, {"offset", 0}, {"total", 1}, {"next_offset", nullptr}});

    auto machines = get_json(server, "/api/v1/by-machine", admin);
    REQUIRE(machines["rows"].size() == 1);
    const auto& m = row(machines, "alice-laptop");
    CHECK(m["events"] == 3);
    CHECK(m["total_tokens"] == 13680);
    CHECK(m["cost_usd"].get<double>() == doctest::Approx(0.0189).epsilon(1e-12));

    // The user is the token's, whatever the client put in its events.
    auto users = get_json(server, "/api/v1/by-user", admin);
    REQUIRE(users["rows"].size() == 1);
    CHECK(users["rows"][0]["key"] == "alice");

    auto models = get_json(server, "/api/v1/by-model", admin);
    CHECK(row(models, kOpus)["cost_usd"].get<double>() == doctest::Approx(0.00165).epsilon(1e-12));
    CHECK(row(models, kSonnet)["events"] == 2);
    // Each model's cost split into input and output adds up to it.
    for (const char* model : {kOpus, kSonnet}) {
        const auto& split = row(models, model);
        CHECK(split["unsplit_cost_usd"] == 0);
        CHECK(split["output_cost_usd"].get<double>() > 0);
        CHECK(split["input_cost_usd"].get<double>() + split["output_cost_usd"].get<double>() ==
              doctest::Approx(split["cost_usd"].get<double>()).epsilon(1e-12));
    }

    auto days = get_json(server, "/api/v1/timeseries?bucket=day", admin);
    REQUIRE(days["rows"].size() == 2);
    CHECK(days["rows"][0]["key"] == "2026-01-10");
    CHECK(days["rows"][0]["events"] == 2);
    auto hours = get_json(server, "/api/v1/timeseries?bucket=hour&tz=Asia/Tokyo", admin);
    CHECK(hours["rows"][0]["key"] == "2026-01-10T19");
    CHECK(get_json(server, "/api/v1/summary?since=2026-01-11&until=2026-01-11", admin)["totals"]["events"] == 1);
    CHECK(get_json(server, "/api/v1/summary?model=OPUS", admin)["totals"]["events"] == 1);
    CHECK(get_json(server, "/api/v1/summary?machine=alice-laptop&project=webshop&source=claude-code",
                   admin)["totals"]["events"] == 3);
    CHECK(get_json(server, "/api/v1/summary?machine=m-alice", admin)["totals"]["events"] == 3);
    CHECK(get_json(server, "/api/v1/summary?range=today", admin)["totals"]["events"] == 0);

    auto full = get_json(server, "/api/v1/by-project?full=true", admin);
    REQUIRE(full["rows"][0]["by_model"].size() == 2);
    CHECK(server.stop() == 0);
}

TEST_CASE("serve: named ranges count events of an hour, three days and ten days ago exactly") {
    testing::AgentHome home;
    const std::string admin = add_token(home, "root", "admin");
    testing::ServeProcess server(home, {"--ingest"});
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const std::int64_t hour_ago = now - 60 * kMinute;
    const std::vector<Call> calls = {{"msg_h:req_h", "s1", hour_ago, 1, 1},
                                     {"msg_3d:req_3d", "s1", now - 72 * 60 * kMinute, 10, 10},
                                     {"msg_10d:req_10d", "s1", now - 240 * 60 * kMinute, 100, 100}};
    REQUIRE(ingest(server, batch("m-1", "box", calls), admin).status == 200);
    auto events = [&](const std::string& range) {
        return get_json(server, "/api/v1/summary?tz=UTC&range=" + range, admin)["totals"]["events"].get<int>();
    };
    constexpr std::int64_t kDay = 86'400'000;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const std::int64_t before =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        const int today = events("today");
        const std::int64_t after =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        if (before / kDay != after / kDay) continue;  // midnight passed: ask again
        CHECK(today == (hour_ago / kDay == before / kDay ? 1 : 0));
        break;
    }
    CHECK(events("24h") == 1);
    CHECK(events("7d") == 2);
    CHECK(events("30d") == 3);
    CHECK(get_json(server, "/api/v1/summary?range=7d", admin)["totals"]["input_tokens"] == 11);
    CHECK(server.stop() == 0);
}

TEST_CASE("serve: a re-sent batch changes nothing, grown counts update, identity bodies work") {
    testing::AgentHome home;
    const std::string alice = add_token(home, "alice", "member");
    testing::ServeProcess server(home, {"--ingest"});
    const std::string body = batch("m-alice", "alice-laptop", kAlice);
    REQUIRE(ingest(server, body, alice).status == 200);

    auto again = ingest(server, body, alice);
    REQUIRE(again.status == 200);
    CHECK(nlohmann::json::parse(again.body) ==
          nlohmann::json{{"protocol", 1}, {"received", 4}, {"new", 0}, {"updated", 0}, {"unchanged", 4}});
    auto s = get_json(server, "/api/v1/summary", alice);
    CHECK(s["totals"]["events"] == 3);
    CHECK(s["totals"]["total_tokens"] == 13680);

    // A streaming copy read later: a2's output grew from 50 to 80; a smaller
    // input (400 < 500) never lowers the stored count.
    std::vector<Call> grown = {{"msg_a2:req_a2", "s1", kJan10 + 30 * kMinute, 400, 80}};
    auto update = ingest(server, batch("m-alice", "alice-laptop", grown), alice, "identity");
    REQUIRE(update.status == 200);
    CHECK(nlohmann::json::parse(update.body) ==
          nlohmann::json{{"protocol", 1}, {"received", 1}, {"new", 0}, {"updated", 1}, {"unchanged", 0}});
    s = get_json(server, "/api/v1/summary", alice);
    CHECK(s["totals"]["events"] == 3);
    CHECK(s["totals"]["input_tokens"] == 1510);
    CHECK(s["totals"]["output_tokens"] == 200);
    // 18900 + 30 * 15 micro-USD
    CHECK(s["totals"]["cost_usd"].get<double>() == doctest::Approx(0.01935).epsilon(1e-12));

    // No Content-Encoding header at all is identity too.
    std::vector<Call> fresh = {{"msg_a5:req_a5", "s3", kJan10 + 2880 * kMinute, 1, 1}};
    auto plain = ingest(server, batch("m-alice", "alice-laptop", fresh), alice, "");
    REQUIRE(plain.status == 200);
    CHECK(nlohmann::json::parse(plain.body)["new"] == 1);
    CHECK(get_json(server, "/api/v1/summary", alice)["totals"]["sessions"] == 3);
    CHECK(server.stop() == 0);  // a clean exit (and no sanitizer report)
}

TEST_CASE("serve: sessions are paged with limit and offset") {
    testing::AgentHome home;
    const std::string alice = add_token(home, "alice", "manager");
    testing::ServeProcess server(home, {"--ingest"});
    REQUIRE(ingest(server, batch("m-alice", "alice-laptop", kAlice), alice).status == 200);

    auto all = get_json(server, "/api/v1/sessions", alice);
    REQUIRE(all["rows"].size() == 2);
    CHECK(all["rows"][0]["key"] == "s2");  // most recent first
    CHECK(all["rows"][0]["models"] == nlohmann::json::array({kOpus}));
    CHECK(all["rows"][1]["first_activity"] == "2026-01-10T10:00:00.000Z");
    CHECK(all["rows"][1]["last_activity"] == "2026-01-10T10:30:00.000Z");
    CHECK(all["rows"][1]["machine"] == "alice-laptop");
    CHECK(all["paging"] == nlohmann::json{{"limit", 100}, {"offset", 0}, {"total", 2}, {"next_offset", nullptr}});

    auto first = get_json(server, "/api/v1/sessions?limit=1", alice);
    REQUIRE(first["rows"].size() == 1);
    CHECK(first["rows"][0]["key"] == "s2");
    CHECK(first["paging"] == nlohmann::json{{"limit", 1}, {"offset", 0}, {"total", 2}, {"next_offset", 1}});
    CHECK(first["totals"]["events"] == 3);  // totals cover everything that matched
    auto second = get_json(server, "/api/v1/sessions?limit=1&offset=1", alice);
    REQUIRE(second["rows"].size() == 1);
    CHECK(second["rows"][0]["key"] == "s1");
    CHECK(second["paging"]["next_offset"].is_null());
    CHECK(get_json(server, "/api/v1/sessions?offset=5", alice)["rows"].empty());
    CHECK(server.stop() == 0);  // a clean exit (and no sanitizer report)
}

// Hostnames collide (`MacBook-Pro`, `ubuntu`): two machines that share one are
// two rows, told apart by their short ids, and a filter takes either id.
TEST_CASE("serve: by-machine groups by machine id, two machines named alike are two rows with short ids") {
    testing::AgentHome home;
    const std::string admin = add_token(home, "root", "admin");
    testing::ServeProcess server(home, {"--ingest"});
    const std::string first = "3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
    const std::string second = "7b1d0e42-1111-4222-8333-944455556666";
    REQUIRE(ingest(server, batch(first, "MacBook-Pro", {{"msg_1:req_1", "s1", kJan10, 100, 10}}), admin).status == 200);
    REQUIRE(ingest(server, batch(second, "MacBook-Pro", {{"msg_2:req_2", "s2", kJan10, 200, 20}}), admin).status ==
            200);
    REQUIRE(ingest(server,
                   batch("c0ffee00-aaaa-4bbb-8ccc-dddddddddddd", "ubuntu", {{"msg_3:req_3", "s3", kJan10, 5, 5}}),
                   admin)
                .status == 200);

    auto machines = get_json(server, "/api/v1/by-machine", admin);
    REQUIRE(machines["rows"].size() == 3);
    const auto& a = row(machines, "MacBook-Pro (3f2a9c1e)");
    CHECK(a["key"] == first);
    CHECK(a["name"] == "MacBook-Pro");
    CHECK(a["input_tokens"] == 100);
    const auto& b = row(machines, "MacBook-Pro (7b1d0e42)");
    CHECK(b["key"] == second);
    CHECK(b["input_tokens"] == 200);
    const auto& c = row(machines, "ubuntu");  // a name no other machine has keeps no id
    CHECK(c["label"] == "ubuntu");
    CHECK(c["output_tokens"] == 5);
    CHECK(machines["totals"]["machines"] == 3);

    // A filter by the full id, the short id shown, or a name (all its machines).
    CHECK(get_json(server, "/api/v1/summary?machine=" + second, admin)["totals"]["input_tokens"] == 200);
    CHECK(get_json(server, "/api/v1/summary?machine=3f2a9c1e", admin)["totals"]["input_tokens"] == 100);
    CHECK(get_json(server, "/api/v1/summary?machine=MacBook-Pro", admin)["totals"]["input_tokens"] == 300);

    // The CLI reads the same store: its table shows the labels.
    CHECK(server.stop() == 0);
    auto table = home.run({"report", "machines", "--no-scan"});
    REQUIRE(table.exit_code == 0);
    INFO(table.out);
    CHECK(table.out.find("(3f2a9c1e)") != std::string::npos);  // the key column is narrow: cut in the middle
    CHECK(table.out.find("(7b1d0e42)") != std::string::npos);
    auto csv = home.run({"report", "machines", "--no-scan", "--csv"});
    CHECK(csv.out.find("\nMacBook-Pro (7b1d0e42),") != std::string::npos);
}

// Requests run off the network thread: ingest on one writer, reads on a pool
// with a connection each. Clients pushing and reading at once all get their
// answers, every read sees a consistent store (never fewer events than it saw
// before), and the end state is exact.
TEST_CASE("serve: four clients pushing while four read, every answer is right and the totals exact") {
    testing::AgentHome home;
    const std::string admin = add_token(home, "root", "admin");
    testing::ServeProcess server(home, {"--ingest"});
    constexpr int kPushers = 4, kBatches = 20, kPerBatch = 5;

    std::atomic<int> pushing{kPushers};
    std::vector<std::string> failures[kPushers * 2];
    std::vector<std::thread> threads;
    for (int p = 0; p < kPushers; ++p)
        threads.emplace_back([&, p] {
            for (int b = 0; b < kBatches; ++b) {
                std::vector<Call> calls;
                for (int i = 0; i < kPerBatch; ++i) {
                    const std::string id = std::to_string(p) + "_" + std::to_string(b) + "_" + std::to_string(i);
                    calls.push_back({"msg_" + id + ":req_" + id, "s" + std::to_string(p), kJan10 + b * kMinute, 10, 1});
                }
                auto r = ingest(server, batch("m-" + std::to_string(p), "box-" + std::to_string(p), calls), admin);
                if (r.status != 200) failures[p].push_back("ingest " + std::to_string(r.status) + ": " + r.body);
            }
            --pushing;
        });
    for (int reader = 0; reader < kPushers; ++reader)
        threads.emplace_back([&, reader] {
            auto& mine = failures[kPushers + reader];
            std::int64_t seen = 0;
            for (int round = 0; pushing > 0 || round < 3; ++round) {
                auto r = get(server, reader % 2 ? "/api/v1/sessions" : "/api/v1/summary", admin);
                if (r.status != 200) {
                    mine.push_back("read " + std::to_string(r.status) + ": " + r.body);
                    continue;
                }
                const auto events = nlohmann::json::parse(r.body)["totals"]["events"].get<std::int64_t>();
                if (events < seen) mine.push_back("events went back from " + std::to_string(seen));
                seen = events;
            }
        });
    for (auto& t : threads) t.join();
    for (const auto& list : failures)
        for (const auto& f : list) FAIL_CHECK(f);

    const auto totals = get_json(server, "/api/v1/summary", admin)["totals"];
    CHECK(totals["events"] == kPushers * kBatches * kPerBatch);
    CHECK(totals["input_tokens"] == 10 * kPushers * kBatches * kPerBatch);
    CHECK(totals["sessions"] == kPushers);
    CHECK(totals["machines"] == kPushers);
    CHECK(server.stop() == 0);
}
