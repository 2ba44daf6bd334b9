// Helpers of the plugin's unit tests: the registered plugin, discovery and
// one scan of one file, as the sync engine would do them.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "transcripts/codex_rollout.hpp"
#include "usage/config/environment.hpp"
#include "usage/scan/source.hpp"

namespace codex_test {

namespace fs = std::filesystem;

inline const usage::SourcePlugin& codex() {
    const usage::SourcePlugin* p = usage::find_source_plugin("codex-cli");
    REQUIRE(p != nullptr);
    return *p;
}

inline std::vector<fs::path> roots_for(std::map<std::string, std::string> vars, std::vector<fs::path> extra = {}) {
    usage::Environment env(std::move(vars));
    usage::DiscoveryContext ctx{&env, std::move(extra)};
    return codex().roots(ctx);
}

inline std::vector<usage::SourceFile> discover_sorted(const std::vector<fs::path>& roots) {
    auto files = codex().discover(roots);
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

/// The discovered entry of `path` below `home` (so kind, hint and mode are real).
inline usage::SourceFile discovered(const fs::path& home, const fs::path& path) {
    for (auto& f : codex().discover({home}))
        if (f.path == path) return f;
    FAIL("not discovered: " << path);
    return {};
}

inline usage::ScanResult scan_file(const fs::path& home, const fs::path& path, const usage::ScanStart& start = {}) {
    return codex().scan(discovered(home, path), start);
}

/// Write `text` as the rollout's plain file below `home`; returns its path.
inline fs::path write_rollout(const fs::path& home, const Rollout& r, const std::string& text) {
    const fs::path p = home / r.session_path();
    testing::write_file(p, text);
    return p;
}

inline std::string ids(const usage::ScanResult& r) {
    std::string out;
    for (const auto& e : r.events) out += e.id + "\n";
    return out;
}

inline void check_tokens(const usage::UsageEvent& e, std::int64_t input, std::int64_t cache_read, std::int64_t output,
                         std::int64_t reasoning, std::int64_t cache_write = 0) {
    INFO("event " << e.id);
    CHECK(e.tokens.input == input);
    CHECK(e.tokens.cache_read == cache_read);
    CHECK(e.tokens.output == output);
    CHECK(e.tokens.reasoning == reasoning);
    CHECK(e.tokens.cache_write_5m == cache_write);
    CHECK(e.tokens.cache_write_1h == 0);
}

inline Meta meta(std::string id, std::int64_t created = kT0) {
    Meta m;
    m.id = std::move(id);
    m.created_ms = created;
    return m;
}

inline usage::ScanResult scan_rollout(const Rollout& r) {
    testing::TempDir home;
    return scan_file(home.path(), write_rollout(home.path(), r, r.text()));
}

}  // namespace codex_test
