// gen_claude_tree.cpp — bench_gen_claude_tree: writes a synthetic but
// realistic Claude Code config tree, OUT_DIR/projects/<slug>/..., of about N
// bytes, plus OUT_DIR/expected.json with the totals a correct counter must
// report (rules: /work/shared/docs/transcript-formats.md, Claude Code section).
//
//   bench_gen_claude_tree OUT_DIR --bytes N [--seed S] [--files F] [--now UNIX_SECONDS]
//
// N accepts K/M/G suffixes (binary). The output is byte-identical for the same
// seed, size, file count and --now (which defaults to the current time, and
// only moves the timestamps).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gen_claude_lines.hpp"
#include "gen_claude_session.hpp"

namespace fs = std::filesystem;
using bench::Layout;

namespace {

constexpr std::int64_t kDayMs = 86400000;
constexpr std::uint64_t kDefaultBytesPerFile = 200u << 10;

struct Options {
    fs::path out_dir;
    std::uint64_t bytes = 0;
    std::uint64_t seed = 1;
    std::uint64_t files = 0;  // 0: bytes / 200 KiB
    std::int64_t now_ms = 0;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr,
                 "bench_gen_claude_tree: %s\n"
                 "usage: bench_gen_claude_tree OUT_DIR --bytes N[K|M|G] [--seed S] [--files F] "
                 "[--now UNIX_SECONDS]\n",
                 message.c_str());
    std::exit(2);
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t value = 0;
    std::size_t at = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
        value = value * 10 + static_cast<std::uint64_t>(text[at] - '0');
    }
    if (at == 0) return std::nullopt;
    std::string_view suffix = text.substr(at);
    int shift = 0;
    if (!suffix.empty()) {
        switch (suffix.front()) {
            case 'k':
            case 'K': shift = 10; break;
            case 'm':
            case 'M': shift = 20; break;
            case 'g':
            case 'G': shift = 30; break;
            case 't':
            case 'T': shift = 40; break;
            default: return std::nullopt;
        }
        suffix.remove_prefix(1);
        if (suffix != "" && suffix != "B" && suffix != "iB") return std::nullopt;
    }
    return value << shift;
}

Options parse_options(int argc, char** argv) {
    Options options;
    options.now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::uint64_t {
            if (i + 1 >= argc) usage_error(std::string(arg) + " needs a value");
            const auto parsed = parse_size(argv[++i]);
            if (!parsed) usage_error(std::string("bad value for ") + std::string(arg));
            return *parsed;
        };
        if (arg == "--bytes") {
            options.bytes = value();
        } else if (arg == "--seed") {
            options.seed = value();
        } else if (arg == "--files") {
            options.files = value();
        } else if (arg == "--now") {
            options.now_ms = static_cast<std::int64_t>(value()) * 1000;
        } else if (!arg.empty() && arg.front() == '-') {
            usage_error("unknown option " + std::string(arg));
        } else if (options.out_dir.empty()) {
            options.out_dir = arg;
        } else {
            usage_error("more than one OUT_DIR");
        }
    }
    if (options.out_dir.empty()) usage_error("OUT_DIR is required");
    if (options.bytes == 0) usage_error("--bytes is required");
    if (options.files == 0) options.files = std::max<std::uint64_t>(options.bytes / kDefaultBytesPerFile, 20);
    return options;
}

// Claude Code's slug: every non-alphanumeric character becomes '-'.
std::string slug_for(const std::string& cwd) {
    std::string slug = cwd;
    for (char& c : slug) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum) c = '-';
    }
    return slug;
}

struct Project {
    std::string cwd;
    std::string slug;
    // The start of an earlier session, for sessions that resume it.
    std::string resume_lines;
    std::string resume_last_uuid;
    std::string resume_session_id;
};

std::vector<Project> make_projects(bench::Rng& rng, std::size_t count) {
    static const char* const kWords[] = {"api", "web", "parser", "billing", "infra", "ml", "docs", "cli"};
    std::vector<Project> projects;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string word = kWords[rng.below(std::size(kWords))];
        const std::string n = std::to_string(i);
        std::string cwd;
        switch (i % 5) {
            case 0: cwd = "/home/dev/src/proj-" + n; break;
            case 1: cwd = "/home/dev/work/" + word + "-" + n; break;
            case 2: cwd = "/Users/alex/code/" + word + "_" + n + ".v2"; break;
            case 3: cwd = "/srv/repos/acme/" + word + "." + n; break;
            default: cwd = "/home/dev/src/" + word + "-service-" + n; break;
        }
        projects.push_back({cwd, slug_for(cwd), {}, {}, {}});
    }
    // Two cwds sharing one slug: the slug is lossy, the project is the cwd.
    if (count >= 2) projects[1] = {"/home/dev/src/proj_0", slug_for("/home/dev/src/proj_0"), {}, {}, {}};
    return projects;
}

struct SubagentPlan {
    double weight = 0;
    bool warmup = false;  // 2.0.x "Warmup" agent: one tiny exchange
};

struct SessionPlan {
    std::size_t project = 0;
    std::int64_t start_ms = 0;
    Layout layout = Layout::FlatAgentFiles;
    double main_weight = 0;
    std::vector<SubagentPlan> subagents;

    [[nodiscard]] std::size_t file_count() const {
        if (layout != Layout::NestedSubagents || subagents.empty()) return 1 + subagents.size();
        return 2 + 2 * subagents.size();  // + agent-*.meta.json each, + journal.jsonl
    }
};

// Older sessions were written by older Claude Code versions.
Layout layout_for_age(bench::Rng& rng, std::int64_t age_ms) {
    const double roll = rng.unit();
    if (age_ms > 80 * kDayMs) return roll < 0.8 ? Layout::InlineSidechains : Layout::FlatAgentFiles;
    if (age_ms > 40 * kDayMs) {
        return roll < 0.15 ? Layout::InlineSidechains : roll < 0.85 ? Layout::FlatAgentFiles : Layout::NestedSubagents;
    }
    return roll < 0.2 ? Layout::FlatAgentFiles : Layout::NestedSubagents;
}

std::vector<SessionPlan> plan_sessions(bench::Rng& rng, const Options& options, std::size_t projects) {
    // Pareto weights: many small sessions, a few that hold a large share.
    const double weight_cap = std::clamp(static_cast<double>(options.files) * 0.5, 10.0, 2000.0);
    std::vector<SessionPlan> plans;
    std::size_t files = 0;
    while (files < options.files) {
        SessionPlan plan;
        const double skew = rng.unit();
        plan.project = static_cast<std::size_t>(skew * skew * static_cast<double>(projects));
        const std::int64_t age_ms = 2 * 3600000 + static_cast<std::int64_t>(rng.below(118 * kDayMs));
        plan.start_ms = options.now_ms - age_ms;
        plan.layout = layout_for_age(rng, age_ms);
        plan.main_weight = rng.pareto(1.15, weight_cap);
        if (plan.layout != Layout::InlineSidechains) {
            const double roll = rng.unit();
            const std::uint64_t count = roll < 0.45 ? 0 : roll < 0.75 ? 1 : roll < 0.9 ? 2 : rng.between(3, 8);
            for (std::uint64_t i = 0; i < count; ++i)
                plan.subagents.push_back({rng.pareto(1.15, weight_cap) * 0.4, false});
            if (plan.layout == Layout::FlatAgentFiles && rng.chance(0.3)) plan.subagents.push_back({0, true});
        }
        files += plan.file_count();
        plans.push_back(std::move(plan));
    }
    std::stable_sort(plans.begin(), plans.end(),
                     [](const SessionPlan& a, const SessionPlan& b) { return a.start_ms < b.start_ms; });
    return plans;
}

// Hands out byte budgets in proportion to weights, re-spreading what is left
// after each file, so the tree lands near the target although small files
// overshoot theirs (a file always ends on a whole exchange).
class BudgetAllocator {
public:
    BudgetAllocator(std::uint64_t target_bytes, double total_weight)
        : remaining_bytes_(target_bytes), remaining_weight_(total_weight) {}

    std::uint64_t next(double weight) {
        const double share = remaining_weight_ > 0 ? weight / remaining_weight_ : 0;
        remaining_weight_ -= weight;
        return std::max<std::uint64_t>(1200, static_cast<std::uint64_t>(share * static_cast<double>(remaining_bytes_)));
    }
    void wrote(std::uint64_t bytes) { remaining_bytes_ -= std::min(bytes, remaining_bytes_); }

private:
    std::uint64_t remaining_bytes_;
    double remaining_weight_;
};

// One output file with a large stdio buffer: few, big write(2) calls.
class OutputFile {
public:
    explicit OutputFile(const fs::path& path)
        : buffer_(std::make_unique<char[]>(kBufferBytes)), file_(std::fopen(path.c_str(), "wb")) {
        if (file_ == nullptr) {
            std::perror(path.c_str());
            std::exit(1);
        }
        std::setvbuf(file_, buffer_.get(), _IOFBF, kBufferBytes);
    }
    ~OutputFile() {
        if (std::fclose(file_) != 0) {
            std::perror("fclose");
            std::exit(1);
        }
    }
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    [[nodiscard]] std::FILE* get() const { return file_; }

private:
    static constexpr std::size_t kBufferBytes = 1u << 20;
    std::unique_ptr<char[]> buffer_;  // must outlive file_
    std::FILE* file_;
};

class TreeGenerator {
public:
    explicit TreeGenerator(const Options& options)
        : options_(options),
          rng_(options.seed),
          max_line_bytes_(std::clamp<std::uint64_t>(options.bytes / 16, 64u << 10, 8u << 20)),
          filler_(options.seed, max_line_bytes_ + (1u << 20)),
          renderer_(filler_, rng_) {}

    void run() {
        const fs::path projects_dir = options_.out_dir / "projects";
        if (fs::exists(projects_dir)) usage_error(projects_dir.string() + " already exists; use an empty OUT_DIR");
        const std::size_t project_count =
            std::min<std::size_t>(rng_.between(20, 60), std::max<std::uint64_t>(options_.files / 3, 1));
        projects_ = make_projects(rng_, project_count);
        const std::vector<SessionPlan> plans = plan_sessions(rng_, options_, projects_.size());
        double total_weight = 0;
        for (const auto& plan : plans) {
            total_weight += plan.main_weight;
            for (const auto& agent : plan.subagents) total_weight += agent.weight;
        }
        BudgetAllocator budgets(options_.bytes, total_weight);
        for (const auto& plan : plans) write_session(plan, budgets);
        write_expected();
        std::fprintf(stderr,
                     "bench_gen_claude_tree: %zu files, %llu bytes, %zu projects, %zu sessions "
                     "(%zu resumed); expected %llu events, %llu tokens\n",
                     files_, static_cast<unsigned long long>(bytes_), projects_.size(), plans.size(), resumed_,
                     static_cast<unsigned long long>(totals_.events), static_cast<unsigned long long>(totals_.total()));
    }

private:
    bench::SessionStyle style_for(Layout layout) {
        static const char* const kOldModels[] = {"claude-sonnet-4-20250514", "claude-sonnet-4-20250514",
                                                 "claude-opus-4-1-20250805"};
        static const char* const kNewModels[] = {"claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929",
                                                 "claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805",
                                                 "claude-haiku-4-5-20251001",  "claude-sonnet-4-20250514"};
        bench::SessionStyle style;
        style.layout = layout;
        style.bedrock = rng_.chance(0.15);
        const bool old = layout == Layout::InlineSidechains;
        style.model =
            old ? kOldModels[rng_.below(std::size(kOldModels))] : kNewModels[rng_.below(std::size(kNewModels))];
        style.subagent_model = rng_.chance(0.5) ? "claude-haiku-4-5-20251001" : style.model;
        // Older sessions often lack the cache_creation split; newer ones
        // sometimes write 1-hour cache entries.
        style.cache_ttl_mode = old ? (rng_.chance(0.5) ? 0 : 1) : (rng_.chance(0.35) ? 2 : 1);
        style.backfills_output = layout == Layout::NestedSubagents && rng_.chance(0.7);
        style.max_line_bytes = max_line_bytes_;
        style.latest_ms = options_.now_ms;
        return style;
    }

    static const char* version_for(bench::Rng& rng, Layout layout) {
        static const char* const kV1[] = {"1.0.72", "1.0.98", "1.0.113", "1.0.128"};
        static const char* const kV20[] = {"2.0.14", "2.0.37", "2.0.64", "2.0.76"};
        static const char* const kV21[] = {"2.1.3", "2.1.7", "2.1.12"};
        switch (layout) {
            case Layout::InlineSidechains: return kV1[rng.below(std::size(kV1))];
            case Layout::FlatAgentFiles: return kV20[rng.below(std::size(kV20))];
            case Layout::NestedSubagents: break;
        }
        return kV21[rng.below(std::size(kV21))];
    }

    void count_file(std::uint64_t bytes) {
        ++files_;
        bytes_ += bytes;
    }

    void write_small_file(const fs::path& path, const std::string& content) {
        OutputFile out(path);
        std::fwrite(content.data(), 1, content.size(), out.get());
        count_file(content.size());
    }

    void write_session(const SessionPlan& plan, BudgetAllocator& budgets) {
        static const char* const kBranches[] = {
            "main", "main", "master", "dev", "feature/usage-report", "fix/parser-utf8", ""};
        Project& project = projects_[plan.project];
        const fs::path project_dir = options_.out_dir / "projects" / project.slug;
        fs::create_directories(project_dir);
        const bench::SessionStyle style = style_for(plan.layout);
        const bench::TranscriptIdentity main_identity{bench::random_uuid(rng_),
                                                      project.cwd,
                                                      version_for(rng_, plan.layout),
                                                      kBranches[rng_.below(std::size(kBranches))],
                                                      "",
                                                      false};
        const bool nested = plan.layout == Layout::NestedSubagents;

        // Subagents first: the main file's Task results and 2.1.x progress
        // lines quote them.
        std::vector<bench::SubagentRecord> subagents;
        const fs::path agent_dir = nested ? project_dir / main_identity.session_id / "subagents" : project_dir;
        if (nested && !plan.subagents.empty()) fs::create_directories(agent_dir);
        for (const auto& agent : plan.subagents) {
            bench::TranscriptIdentity who = main_identity;
            who.agent_id = nested ? "a" + bench::random_hex(rng_, 6) : bench::random_hex(rng_, 8);
            who.is_sidechain = true;
            const std::int64_t start = plan.start_ms + static_cast<std::int64_t>(rng_.between(5000, 1800000));
            OutputFile out(agent_dir / ("agent-" + who.agent_id + ".jsonl"));
            bench::TranscriptWriter writer(out.get(), renderer_, rng_, totals_, style, who, start);
            writer.write_subagent_conversation(budgets.next(agent.weight), agent.warmup);
            budgets.wrote(writer.bytes_written());
            count_file(writer.bytes_written());
            subagents.push_back(writer.record());
            if (nested) {
                write_small_file(agent_dir / ("agent-" + who.agent_id + ".meta.json"),
                                 std::string("{\"agentType\":\"") + bench::subagent_type_for(rng_) + "\"}\n");
            }
        }
        if (nested && !subagents.empty()) {
            bench::TranscriptIdentity who = main_identity;
            who.agent_id = subagents.front().agent_id;
            OutputFile out(agent_dir / "journal.jsonl");
            bench::TranscriptWriter writer(out.get(), renderer_, rng_, totals_, style, who, plan.start_ms);
            writer.write_journal(rng_.between(2, 8));
            count_file(writer.bytes_written());
        }

        OutputFile out(project_dir / (main_identity.session_id + ".jsonl"));
        bench::TranscriptWriter writer(out.get(), renderer_, rng_, totals_, style, main_identity, plan.start_ms);
        const bool resumes = !project.resume_lines.empty() && rng_.chance(0.1);
        std::string captured_lines;
        std::string captured_last_uuid;
        if (resumes) {
            writer.copy_resumed_lines(project.resume_lines, project.resume_session_id, project.resume_last_uuid);
            ++resumed_;
        } else if (rng_.chance(0.5)) {
            writer.capture_prefix(&captured_lines, &captured_last_uuid, rng_.between(4, 60), 512u << 10);
        }
        writer.write_main_conversation(budgets.next(plan.main_weight), subagents);
        budgets.wrote(writer.bytes_written());
        count_file(writer.bytes_written());
        if (!captured_lines.empty()) {
            project.resume_lines = std::move(captured_lines);
            project.resume_last_uuid = std::move(captured_last_uuid);
            project.resume_session_id = main_identity.session_id;
        }
    }

    void write_expected() {
        std::string json = "{\"events\":";
        bench::append_uint(json, totals_.events);
        const std::pair<const char*, std::uint64_t> fields[] = {
            {"input", totals_.input},
            {"output", totals_.output},
            {"cache_read", totals_.cache_read},
            {"cache_write_5m", totals_.cache_write_5m},
            {"cache_write_1h", totals_.cache_write_1h},
            {"total", totals_.total()},
        };
        for (const auto& [name, value] : fields) {
            json += ",\"";
            json += name;
            json += "\":";
            bench::append_uint(json, value);
        }
        json += "}\n";
        OutputFile out(options_.out_dir / "expected.json");
        std::fwrite(json.data(), 1, json.size(), out.get());
    }

    const Options& options_;
    bench::Rng rng_;
    std::uint64_t max_line_bytes_;
    bench::FillerText filler_;
    bench::LineRenderer renderer_;
    bench::ExpectedTotals totals_;
    std::vector<Project> projects_;
    std::size_t files_ = 0;
    std::uint64_t bytes_ = 0;
    std::size_t resumed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    try {
        fs::create_directories(options.out_dir);
        TreeGenerator(options).run();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench_gen_claude_tree: %s\n", error.what());
        return 1;
    }
    return 0;
}
