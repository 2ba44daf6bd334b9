// bench_ingest — events per second through `usage-agent serve --ingest`: one
// endpoint on 127.0.0.1, C clients each sending gzip batches of 500 back to
// back on its own keep-alive connection, as `sync` pushes them.
//
//   bench_ingest --agent PATH [--events N] [--batch B] [--clients C] [--store URL]
//
// Starts the real binary on a fresh temp state dir (its SQLite store, or the
// --store given: an empty PostgreSQL database, say), creates a token, sends
// N new events split between the clients, then the same N again (all
// unchanged: the retry path), and prints JSON. Batches are encoded and
// compressed before the clock starts: this measures the endpoint, not the
// client.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "usage/net/gzip.hpp"
#include "usage/net/http_client.hpp"
#include "usage/sync/protocol.hpp"

namespace {

namespace fs = std::filesystem;

struct Options {
    std::string agent;
    std::size_t events = 50'000;
    std::size_t batch = 500;
    std::size_t clients = 1;
    std::string store;  ///< empty: the temp state dir's SQLite store
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&] {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return std::string(argv[++i]);
        };
        if (arg == "--agent")
            o.agent = value();
        else if (arg == "--events")
            o.events = std::stoul(value());
        else if (arg == "--batch")
            o.batch = std::stoul(value());
        else if (arg == "--clients")
            o.clients = std::stoul(value());
        else if (arg == "--store")
            o.store = value();
        else
            throw std::invalid_argument("unknown argument " + arg);
    }
    if (o.agent.empty()) throw std::invalid_argument("--agent PATH (the usage-agent binary) is required");
    if (o.batch == 0 || o.batch > 10'000) throw std::invalid_argument("--batch must be 1..10000");
    if (o.clients == 0 || o.clients > 64) throw std::invalid_argument("--clients must be 1..64");
    return o;
}

// Realistic rows: a few projects, models and sessions, every count non-zero.
std::vector<std::string> make_batches(const Options& o) {
    static const char* models[] = {"claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805",
                                   "claude-haiku-4-5-20251001"};
    std::vector<std::string> bodies;
    for (std::size_t first = 0; first < o.events; first += o.batch) {
        usage::sync::IngestBatch b;
        b.machine = {"6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b", "bench-box", "linux", "UTC", "0.1.0"};
        for (std::size_t i = first; i < std::min(o.events, first + o.batch); ++i) {
            usage::sync::WireEvent w;
            usage::UsageEvent& e = w.event;
            const std::string n = std::to_string(i);
            e.id = "claude-code:msg_bench" + n + ":req_bench" + n;
            e.dedup_group = "claude-code:msg_bench" + n + ":";
            e.source = "claude-code";
            e.session_id = "session-" + std::to_string(i / 40);
            e.model = models[i % 3];
            e.provider = "anthropic";
            e.project_name = "project-" + std::to_string(i / 4000);
            e.project_path = "/home/bench/src/" + e.project_name;
            e.git_branch = "main";
            e.surface = "cli";
            e.machine_id = b.machine.id;
            e.timestamp_ms = 1767225600000 + static_cast<std::int64_t>(i) * 7919;
            e.tokens = {static_cast<std::int64_t>(10 + i % 90),       static_cast<std::int64_t>(200 + i % 700), 0,
                        static_cast<std::int64_t>(20'000 + i % 9000), static_cast<std::int64_t>(i % 3000),      0};
            e.cost_micros = 12345;
            e.cost_origin = usage::CostOrigin::estimated;
            b.events.push_back(std::move(w));
        }
        bodies.push_back(usage::gzip_compress(usage::sync::encode_batch(b)));
    }
    return bodies;
}

std::string run_capture(const std::string& command) {
    std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, pipe.get())) out += buf;
    return out;
}

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// `usage-agent serve --ingest --listen 127.0.0.1:0`; returns its pid and port.
std::pair<pid_t, int> start_server(const Options& o, const fs::path& state) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        if (o.store.empty())
            execl(o.agent.c_str(), o.agent.c_str(), "--state-dir", state.c_str(), "serve", "--ingest", "--listen",
                  "127.0.0.1:0", static_cast<char*>(nullptr));
        else
            execl(o.agent.c_str(), o.agent.c_str(), "--state-dir", state.c_str(), "serve", "--ingest", "--listen",
                  "127.0.0.1:0", "--store", o.store.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    const auto colon = line.rfind(':');
    if (line.rfind("listening on http://", 0) != 0 || colon == std::string::npos)
        throw std::runtime_error("serve did not start: '" + line + "'");
    return {pid, std::stoi(line.substr(colon + 1))};
}

// Client k sends batches k, k + C, k + 2C, ...; all start together.
double send_all(std::size_t clients, const std::string& url, const std::string& token,
                const std::vector<std::string>& bodies, std::uint64_t& new_events) {
    const std::vector<std::string> headers = {"Content-Type: application/json", "Content-Encoding: gzip",
                                              "Authorization: Bearer " + token};
    std::vector<std::uint64_t> fresh(clients, 0);
    std::vector<std::string> errors(clients);
    const auto start = std::chrono::steady_clock::now();
    {
        std::vector<std::jthread> threads;
        for (std::size_t k = 0; k < clients; ++k)
            threads.emplace_back([&, k] {
                try {
                    usage::HttpClient client;
                    for (std::size_t i = k; i < bodies.size(); i += clients) {
                        auto r = client.post(url, bodies[i], headers);
                        if (r.status != 200)
                            throw std::runtime_error("HTTP " + std::to_string(r.status) + ": " + r.body);
                        fresh[k] += usage::sync::decode_result(r.body).new_events;
                    }
                } catch (const std::exception& e) {
                    errors[k] = e.what();
                }
            });
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& e : errors)
        if (!e.empty()) throw std::runtime_error(e);
    for (auto n : fresh) new_events += n;
    return seconds;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        char dir_template[] = "/tmp/usage-bench-ingest-XXXXXX";
        if (!mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
        const fs::path state = dir_template;
        std::string token = run_capture(quoted(o.agent) + " --state-dir " + quoted(state.string()) +
                                        " serve token add --user bench --role member" +
                                        (o.store.empty() ? "" : " --store " + quoted(o.store)) + " 2>/dev/null");
        while (!token.empty() && token.back() == '\n') token.pop_back();
        const auto bodies = make_batches(o);
        std::size_t wire_bytes = 0;
        for (const auto& b : bodies) wire_bytes += b.size();

        auto [pid, port] = start_server(o, state);
        const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/ingest";
        std::uint64_t fresh = 0, again = 0;
        const double cold = send_all(o.clients, url, token, bodies, fresh);
        const double resend = send_all(o.clients, url, token, bodies, again);
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        fs::remove_all(state);
        if (fresh != o.events || again != 0) throw std::runtime_error("the endpoint miscounted new events");

        const auto events = static_cast<double>(o.events);
        std::cout << "{\"store\": \"" << (o.store.empty() ? "sqlite" : "postgresql") << "\", \"clients\": " << o.clients
                  << ", \"events\": " << o.events << ", \"batch\": " << o.batch << ", \"batches\": " << bodies.size()
                  << ", \"gzip_bytes\": " << wire_bytes << ", \"new_seconds\": " << cold
                  << ", \"new_events_per_second\": " << static_cast<std::int64_t>(events / cold)
                  << ", \"resend_seconds\": " << resend
                  << ", \"resend_events_per_second\": " << static_cast<std::int64_t>(events / resend)
                  << ", \"server_exit\": " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << "}\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "bench_ingest: " << e.what() << "\n";
        return 1;
    }
}
