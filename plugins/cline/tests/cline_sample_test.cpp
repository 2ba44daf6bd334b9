// The real Cline samples of ../shared/fixtures/new-sources/cline (see its
// PROVENANCE.txt): a whole ui_messages.json with 24 finished requests, and
// the head of a real api_conversation_history.json for the model fallback.
#include <doctest/doctest.h>

#include "usage/scan/source.hpp"
#include "vscode_task_files.hpp"

namespace fs = std::filesystem;
using namespace vscode_task_test;

TEST_CASE("cline real sample: 24 calls with the exact totals the tool recorded") {
    auto shared = testing::shared_dir("the Cline real-sample totals");
    if (!shared) return;
    const fs::path sample = *shared / "fixtures/new-sources/cline/ui_messages.trimmed.json";
    REQUIRE(fs::exists(sample));
    testing::TempDir tmp;
    const fs::path dir = tmp / "tasks/1770482470358";
    fs::create_directories(dir);
    fs::copy_file(sample, dir / "ui_messages.json");

    const auto r = scan_dir("cline", dir);
    CHECK(r.malformed_lines == 0);
    CHECK(r.invalid.count == 0);
    // Anthropic provider: tokensIn (10 per call) excludes the cache. The cost
    // is the sum of the recorded `cost`, $1.247611 to the micro-dollar.
    check_sums(r.events, {24, 240, 11035, 1038797, 72182, 1247611});
    for (const auto& e : r.events) {
        CHECK(e.model == "claude-opus-4-5-20251101");
        CHECK(e.provider == "anthropic");
        CHECK(e.session_id == "1770482470358");
        CHECK(e.surface == "ide");
        CHECK_FALSE(e.model_guessed);
    }
    REQUIRE(r.events.size() == 24);
    CHECK(r.events.front().id == "cline:1770482470358:1770482484435");
    CHECK(r.events.front().timestamp_ms == 1770482484435);
    CHECK(r.events.front().tokens.cache_read == 6372);
    CHECK(r.events.front().tokens.cache_write_5m == 5131);
    CHECK(r.events.back().id == "cline:1770482470358:1770483516239");

    // A second read (from the first one's state) gives the same events.
    const auto again = scan_dir("cline", dir, r.state);
    CHECK(ids(again.events) == ids(r.events));
    check_sums(again.events, {24, 240, 11035, 1038797, 72182, 1247611});
}

TEST_CASE("cline real history sample: the model of a record without modelInfo comes from the answer") {
    auto shared = testing::shared_dir("the Cline real api_conversation_history sample");
    if (!shared) return;
    const fs::path history = *shared / "fixtures/new-sources/cline/api_conversation_history.first16.trimmed.json";
    REQUIRE(fs::exists(history));
    testing::TempDir tmp;
    // Two requests without modelInfo, sent before the first and second
    // answers of the real history (ts 1777073173494 and 1777073265986).
    const fs::path dir =
        write_task(tmp / "tasks", "1777073160794",
                   json::array({say(1777073160800, "api_req_started", usage_text(10049, 640, 0, 0, 0.01)),
                                say(1777073260200, "api_req_started", usage_text(13115, 224, 0, 0, 0.02))}));
    fs::copy_file(history, dir / "api_conversation_history.json");
    const auto r = scan_dir("cline", dir);
    REQUIRE(r.events.size() == 2);
    for (const auto& e : r.events) {
        CHECK(e.model == "claude_4_5_opus");
        CHECK(e.provider == "openai");
    }
    // Cline's "openai" (OpenAI Compatible) input includes cached reads; none here.
    check_sums(r.events, {2, 10049 + 13115, 640 + 224, 0, 0, 30000});
}
