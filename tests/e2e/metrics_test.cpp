// End to end: Prometheus metrics at /metrics, on `serve` (every mode) and on
// `run` when metrics.listen is set. The real binaries on 127.0.0.1; the text
// is checked sample by sample, and against the Prometheus project's own
// parser (Debian's python3-prometheus-client) when it is installed.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "push_helpers.hpp"
#include "usage/net/http_client.hpp"

using push_test::Endpoint;
using push_test::PushHome;

namespace {

// The value of the sample `key` (`name{labels}` exactly as rendered), or
// "<absent>".
std::string sample(const std::string& text, const std::string& key) {
    const std::string want = key + " ";
    for (std::size_t at = 0; at < text.size();) {
        const auto end = text.find('\n', at);
        const std::string_view line(text.data() + at, (end == std::string::npos ? text.size() : end) - at);
        if (line.starts_with(want)) return std::string(line.substr(want.size()));
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return "<absent>";
}

// Families and samples as the Prometheus client library parses them: "F S",
// or "" when the text does not parse. Skips (or, with
// USAGE_REQUIRE_PROMETHEUS_CLIENT, fails) where the parser is not installed.
std::string official_parse(const testing::TempDir& dir, const std::string& text) {
    const auto file = dir.path() / "metrics.txt";
    testing::write_file(file, text);
    auto probe = testing::run_command({"/usr/bin/python3", "-c", "import prometheus_client"}, {});
    if (probe.exit_code != 0) {
        testing::skip_unless_required("USAGE_REQUIRE_PROMETHEUS_CLIENT",
                                      "no python3-prometheus-client to parse the metrics text with");
        return "<no parser>";
    }
    auto r = testing::run_command({"/usr/bin/python3", "-c",
                                   "import sys\n"
                                   "from prometheus_client.parser import text_string_to_metric_families as parse\n"
                                   "families = list(parse(open(sys.argv[1]).read()))\n"
                                   "print(len(families), sum(len(f.samples) for f in families))\n",
                                   file.string()},
                                  {});
    INFO("parser stderr: " << r.err);
    return r.exit_code == 0 ? r.out.substr(0, r.out.find('\n')) : "";
}

usage::HttpResponse http_get(const std::string& url) {
    usage::HttpClient client;
    return client.get(url);
}

}  // namespace

TEST_CASE("metrics: serve answers /metrics with exact request and ingest counts, in text Prometheus parses") {
    Endpoint team;
    // Two batches: 3 new events, then the same 3 again (unchanged).
    const std::string json = serve_test::batch("m-1", "box-1",
                                               {{.id = "a", .session = "s", .input = 10},
                                                {.id = "b", .session = "s", .input = 20},
                                                {.id = "c", .session = "s", .input = 30}});
    REQUIRE(serve_test::ingest(team.server, json, team.token).status == 200);
    REQUIRE(serve_test::ingest(team.server, json, team.token).status == 200);
    CHECK(serve_test::healthy(team.server));
    CHECK(team.totals()["events"] == 3);
    CHECK(serve_test::get(team.server, "/api/v1/summary").status == 401);  // no token
    CHECK(serve_test::get(team.server, "/nowhere").status == 404);

    const auto r = serve_test::get(team.server, "/metrics");  // no token needed
    REQUIRE(r.status == 200);
    CHECK(r.headers.at("content-type") == "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = r.body;
    INFO(text);
    CHECK(sample(text, "usage_agent_http_requests_total{route=\"ingest\",code=\"200\"}") == "2");
    CHECK(sample(text, "usage_agent_http_requests_total{route=\"health\",code=\"200\"}") == "1");
    CHECK(sample(text, "usage_agent_http_requests_total{route=\"read\",code=\"200\"}") == "1");
    // Refused from the header alone: the missing token and the unknown path.
    CHECK(sample(text, "usage_agent_http_requests_total{route=\"refused\",code=\"401\"}") == "1");
    CHECK(sample(text, "usage_agent_http_requests_total{route=\"refused\",code=\"404\"}") == "1");
    CHECK(sample(text, "usage_agent_ingest_batches_total") == "2");
    CHECK(sample(text, "usage_agent_ingest_events_total{result=\"new\"}") == "3");
    CHECK(sample(text, "usage_agent_ingest_events_total{result=\"updated\"}") == "0");
    CHECK(sample(text, "usage_agent_ingest_events_total{result=\"unchanged\"}") == "3");
    CHECK(sample(text, "usage_agent_http_request_duration_seconds_count{route=\"ingest\"}") == "2");
    CHECK(sample(text, "usage_agent_http_request_duration_seconds_bucket{route=\"ingest\",le=\"+Inf\"}") == "2");
    CHECK(text.find("# TYPE usage_agent_http_request_duration_seconds histogram\n") != std::string::npos);
    CHECK(text.find("\nusage_agent_build_info{version=\"") != std::string::npos);
    // This scrape is counted once answered: the next one shows it.
    CHECK(sample(text, "usage_agent_http_requests_total{route=\"metrics\",code=\"200\"}") == "<absent>");
    const auto again = serve_test::get(team.server, "/metrics");
    CHECK(sample(again.body, "usage_agent_http_requests_total{route=\"metrics\",code=\"200\"}") == "1");

    // 5 families (build info, requests, durations, batches, events) with
    // 1 + 5 + 4 x 14 (11 buckets, +Inf, sum, count; 4 routes) + 1 + 3 samples.
    testing::TempDir dir;
    const std::string parsed = official_parse(dir, text);
    if (parsed != "<no parser>") CHECK(parsed == "5 66");
}

TEST_CASE("metrics: run serves /metrics on metrics.listen with exact scan and push counts") {
    Endpoint team;
    PushHome h(team.url(), team.token, "metrics:\n  listen: 127.0.0.1:0\n");
    h.add_calls(1, 3);
    testing::AgentProcess agent({"run", "--log-level", "debug"}, h.env);
    REQUIRE(agent.wait_for_err("/metrics\n"));
    const std::string log = agent.err();
    const std::string marker = "info: metrics at http://127.0.0.1:";
    const auto at = log.find(marker);
    REQUIRE(at != std::string::npos);
    const std::string base =
        "http://127.0.0.1:" + log.substr(at + marker.size(), log.find('/', at + marker.size()) - (at + marker.size()));

    // The first scan's push delivers the 3 calls; wait for the agent to count it.
    std::string text;
    for (int i = 0; i < 500; ++i) {
        const auto r = http_get(base + "/metrics");
        REQUIRE(r.status == 200);
        text = r.body;
        if (sample(text, "usage_agent_events_pushed_total") == "3") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO(text);
    CHECK(sample(text, "usage_agent_scans_total{result=\"ok\"}") == "1");
    CHECK(sample(text, "usage_agent_scan_duration_seconds_count") == "1");
    CHECK(sample(text, "usage_agent_events_read_total{source=\"claude-code\",kind=\"new\"}") == "3");
    CHECK(sample(text, "usage_agent_events_read_total{source=\"claude-code\",kind=\"updated\"}") == "0");
    CHECK(sample(text, "usage_agent_files_read_total{source=\"claude-code\"}") == "1");
    CHECK(sample(text, "usage_agent_pushes_total{outcome=\"delivered\"}") == "1");
    CHECK(sample(text, "usage_agent_events_pushed_total") == "3");
    CHECK(sample(text, "usage_agent_outbox_rows") == "0");
    CHECK(sample(text, "usage_agent_push_failures_total") == "<absent>");
    CHECK(team.totals()["events"] == 3);

    // One more call: scanned on change, pushed, counted.
    h.add_calls(4, 1);
    for (int i = 0; i < 500 && sample(text, "usage_agent_events_pushed_total") != "4"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        text = http_get(base + "/metrics").body;
    }
    CHECK(sample(text, "usage_agent_events_read_total{source=\"claude-code\",kind=\"new\"}") == "4");
    CHECK(sample(text, "usage_agent_pushes_total{outcome=\"delivered\"}") == "2");

    CHECK(http_get(base + "/other").status == 404);
    usage::HttpClient client;
    CHECK(client.post(base + "/metrics", "{}", {"Content-Type: application/json"}).status == 405);
    testing::TempDir dir;
    const std::string parsed = official_parse(dir, text);
    if (parsed != "<no parser>") CHECK(parsed.size() > 2);
    CHECK(agent.stop() == 0);
}

TEST_CASE("metrics: a malformed metrics.listen names the key and line, a taken port stops run with one line") {
    Endpoint team;
    PushHome h(team.url(), team.token, "metrics:\n  listen: 127.0.0.1:http\n");
    auto bad = h.run({"run"});
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("config.yaml:6: 'metrics.listen': expected PORT or ADDR:PORT (e.g. 9464 or 127.0.0.1:9464), "
                       "got '127.0.0.1:http'\n") != std::string::npos);

    // The endpoint's own port is taken.
    h.configure(team.url(), "metrics:\n  listen: " + std::to_string(team.server.port()) + "\n");
    auto taken = h.run({"run"});
    CHECK(taken.exit_code == 1);
    CHECK(taken.err.find("metrics.listen 127.0.0.1:" + std::to_string(team.server.port()) + ": cannot listen: ") !=
          std::string::npos);
}
