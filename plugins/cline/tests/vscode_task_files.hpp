// Test helpers: task folders written the way Cline, Roo Code and Kilo Code
// write them (ui_messages.json arrays whose usage records carry a JSON
// document in `text`), and scans through the registered plugins.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "usage/scan/source.hpp"

namespace vscode_task_test {

namespace fs = std::filesystem;
using nlohmann::json;

/// A `say` message whose text is the JSON document `text` (serialized the
/// way the tools do, JSON.stringify), plus `extra` top-level fields.
inline json say(std::int64_t ts, const std::string& kind, const json& text, const json& extra = json::object()) {
    json m = {{"ts", ts}, {"type", "say"}, {"say", kind}, {"text", text.dump()}};
    for (const auto& [k, v] : extra.items()) m[k] = v;
    return m;
}

/// A finished request's usage document.
inline json usage_text(std::int64_t in, std::int64_t out, std::int64_t cache_writes, std::int64_t cache_reads,
                       double cost) {
    return {{"tokensIn", in},
            {"tokensOut", out},
            {"cacheWrites", cache_writes},
            {"cacheReads", cache_reads},
            {"cost", cost}};
}

/// Cline's per-message modelInfo.
inline json cline_model(const std::string& provider, const std::string& model) {
    return {{"modelInfo", {{"providerId", provider}, {"modelId", model}, {"mode", "act"}}}};
}

/// Write `<tasks>/<task_id>/ui_messages.json`; returns the task folder.
inline fs::path write_task(const fs::path& tasks, const std::string& task_id, const json& messages) {
    const fs::path dir = tasks / task_id;
    fs::create_directories(dir);
    testing::write_file(dir / "ui_messages.json", messages.dump());
    return dir;
}

/// The registered plugin called `source`.
inline const usage::SourcePlugin& plugin(const std::string& source) {
    const auto* p = usage::find_source_plugin(source);
    REQUIRE(p != nullptr);
    return *p;
}

/// Scan the one task folder `dir` as discovery finds it.
inline usage::ScanResult scan_dir(const std::string& source, const fs::path& dir, const std::string& state = {}) {
    const auto files = plugin(source).discover({dir});
    REQUIRE(files.size() == 1);
    return plugin(source).scan(files.front(), {0, state});
}

struct Sums {
    std::int64_t events = 0, input = 0, output = 0, cache_read = 0, cache_write = 0, cost_micros = 0;
};

inline Sums sum(const std::vector<usage::UsageEvent>& events) {
    Sums s;
    for (const auto& e : events) {
        ++s.events;
        s.input += e.tokens.input;
        s.output += e.tokens.output;
        s.cache_read += e.tokens.cache_read;
        s.cache_write += e.tokens.cache_write();
        s.cost_micros += e.reported_cost_micros.value_or(0);
    }
    return s;
}

inline void check_sums(const std::vector<usage::UsageEvent>& events, const Sums& want) {
    const Sums got = sum(events);
    CHECK(got.events == want.events);
    CHECK(got.input == want.input);
    CHECK(got.output == want.output);
    CHECK(got.cache_read == want.cache_read);
    CHECK(got.cache_write == want.cache_write);
    CHECK(got.cost_micros == want.cost_micros);
}

inline std::vector<std::string> ids(const std::vector<usage::UsageEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.id);
    return out;
}

}  // namespace vscode_task_test
