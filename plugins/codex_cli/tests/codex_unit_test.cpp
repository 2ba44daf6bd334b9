// Unit tests of the Codex CLI plugin through the plugin registry (no binary,
// no store): where it looks, which copy of a rollout it lists, and what one
// scan of one file yields. Rollouts are written at runtime in the real shape
// (codex_rollout.hpp); store-level behaviour is in codex_e2e_test.cpp.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../codex_identity.hpp"
#include "../codex_state.hpp"
#include "codex_scan.hpp"

namespace fs = std::filesystem;
using namespace codex_test;

TEST_CASE("codex: registered as codex-cli, roots from CODEX_HOME (a trimmed comma list) or ~/.codex") {
    CHECK(codex().name() == "codex-cli");
    CHECK(roots_for({{"HOME", "/home/u"}}) == std::vector<fs::path>{"/home/u/.codex"});
    CHECK(roots_for({{"HOME", "/home/u"}, {"CODEX_HOME", ""}}) == std::vector<fs::path>{"/home/u/.codex"});
    CHECK(roots_for({{"HOME", "/home/u"}, {"CODEX_HOME", " /a/codex , ,/b\t"}}) ==
          std::vector<fs::path>{"/a/codex", "/b"});
    CHECK(roots_for({{"CODEX_HOME", "/a"}}, {"/extra"}) == std::vector<fs::path>{"/a", "/extra"});
    CHECK(codex().windows_roots("/mnt/c/Users/dev") == std::vector<fs::path>{"/mnt/c/Users/dev/.codex"});
}

TEST_CASE("codex discovery: one copy per rollout, sessions/ over archived_sessions/, plain over .zst") {
    testing::TempDir home;
    const std::string x = "rollout-2026-03-01T09-00-00-" + v7(kT0, 1) + ".jsonl";
    const std::string y = "rollout-2026-03-01T10-00-00-" + v7(kT0 + 1, 2) + ".jsonl";
    const std::string z = "rollout-2026-03-01T11-00-00-" + v7(kT0 + 2, 3) + ".jsonl";
    const std::string w = "rollout-2026-03-01T12-00-00-" + v7(kT0 + 3, 4) + ".jsonl";
    const fs::path day = home / "sessions/2026/03/01";
    for (const auto& p :
         {day / x, day / (x + ".zst"), home / "archived_sessions" / x, home / "archived_sessions" / (x + ".zst"),
          home / "archived_sessions" / y, home / "archived_sessions" / (y + ".zst"), day / (z + ".zst"),
          home / "archived_sessions" / (w + ".zst"), home / "archived_sessions" / w / "nested.jsonl",
          day / "notes.jsonl", home / "history.jsonl", day / "rollout-2026.json"})
        testing::write_file(p, "{}\n");
    testing::write_file(home / "config.toml", "model = \"gpt-5\"\n");

    const auto files = discover_sorted({home.path()});
    REQUIRE(files.size() == 4);
    CHECK(files[0].path == home / "archived_sessions" / y);
    CHECK(files[0].mode == usage::ReadMode::append_lines);
    CHECK(files[0].session_hint == v7(kT0 + 1, 2));
    CHECK(files[1].path == home / "archived_sessions" / (w + ".zst"));
    CHECK(files[1].mode == usage::ReadMode::snapshot);
    CHECK(files[1].session_hint == v7(kT0 + 3, 4));
    CHECK(files[2].path == day / x);
    CHECK(files[2].mode == usage::ReadMode::append_lines);
    CHECK(files[3].path == day / (z + ".zst"));
    CHECK(files[3].mode == usage::ReadMode::snapshot);
    for (const auto& f : files) CHECK(f.stat.inode != 0);

    // The same rollout under a second home counts once (the first root wins);
    // a root with neither sessions/ nor archived_sessions/ is a folder of rollouts.
    testing::TempDir other;
    testing::write_file(other / x, "{}\n");
    testing::write_file(other / "sub" / z, "{}\n");
    const auto both = discover_sorted({home.path(), other.path()});
    CHECK(both.size() == 4);
    const auto flat = discover_sorted({other.path()});
    REQUIRE(flat.size() == 2);
    CHECK(flat[0].path == other / x);
    CHECK(flat[1].path == other / "sub" / z);
}

TEST_CASE("codex scan: re-emits, null info, resets and missing last_token_usage give exact calls") {
    testing::TempDir home;
    const std::string id = v7(kT0, 1);
    Rollout r(meta(id));
    r.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5-codex")
        .rate_limit(kT0 + 1500)
        .call(kT0 + 5000, {1000, 200, 50, 10})
        .snapshot(kT0 + 5001, r.total(), Vec{1000, 200, 50, 10})  // re-emit: same total
        .tool_output(kT0 + 6000, 2000)
        .call(kT0 + 9000, {1200, 1000, 80, 0})
        .call_total_only(kT0 + 12000, {800, 800, 20, 0})             // delta of the totals
        .snapshot(kT0 + 65000, {500, 0, 40, 0}, Vec{500, 0, 40, 0})  // went backwards, with last: counts
        .snapshot(kT0 + 70000, {300, 0, 10, 0}, std::nullopt)        // backwards, no last: baseline only
        .snapshot(kT0 + 75000, {900, 400, 30, 5}, std::nullopt);     // delta from the new baseline
    const std::string text = r.text();
    const fs::path file = write_rollout(home.path(), r, text);
    const auto result = scan_file(home.path(), file);

    CHECK(result.malformed_lines == 0);
    CHECK(result.offset == text.size());
    CHECK(result.bytes_read == text.size());
    CHECK(ids(result) == "codex-cli:" + id + ":1000.200.50.10\ncodex-cli:" + id + ":2200.1200.130.10\ncodex-cli:" + id +
                             ":3000.2000.150.10\ncodex-cli:" + id + ":500.0.40.0\ncodex-cli:" + id + ":900.400.30.5\n");
    REQUIRE(result.events.size() == 5);
    check_tokens(result.events[0], 800, 200, 50, 10);
    check_tokens(result.events[1], 200, 1000, 80, 0);
    check_tokens(result.events[2], 0, 800, 20, 0);
    check_tokens(result.events[3], 500, 0, 40, 0);
    check_tokens(result.events[4], 200, 400, 20, 5);
    const auto& e = result.events[0];
    CHECK(e.source == "codex-cli");
    CHECK(e.session_id == id);
    CHECK(e.parent_session_id.empty());
    CHECK(e.model == "gpt-5-codex");
    CHECK_FALSE(e.model_guessed);
    CHECK(e.provider == "openai");
    CHECK(e.surface == "cli");
    CHECK(e.project_path == "/w/app");
    CHECK(e.project_name == "app");
    CHECK(e.git_branch == "main");
    CHECK(e.repository == "git@example.invalid:dev/app.git");  // session_meta's git.repository_url
    CHECK(e.timestamp_ms == kT0 + 5000);
    CHECK(result.events[4].timestamp_ms == kT0 + 75000);
}

TEST_CASE("codex scan: cache writes are part of input, a null last_token_usage falls back to the delta") {
    testing::TempDir home;
    Meta m = meta(v7(kT0, 1));
    m.provider = "azure";
    m.originator = "codex_exec";
    m.source = "exec";
    Rollout r(m);
    r.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5.1-codex").call(kT0 + 2000, {2000, 500, 100, 40, 300});
    r.raw(codex_test::line(kT0 + 3000, "event_msg",
                           {{"type", "token_count"},
                            {"info",
                             {{"total_token_usage", codex_test::usage_json({4600, 2800, 160, 40, 300})},
                              {"last_token_usage", nullptr}}}}));
    const auto result = scan_file(home.path(), write_rollout(home.path(), r, r.text()));
    REQUIRE(result.events.size() == 2);
    check_tokens(result.events[0], 1200, 500, 100, 40, 300);
    check_tokens(result.events[1], 300, 2300, 60, 0);
    CHECK(result.events[0].provider == "azure");
    CHECK(result.events[0].surface == "exec");
}

TEST_CASE("codex scan: malformed lines are counted and skipped, invalid UTF-8 is repaired") {
    testing::TempDir home;
    Rollout r(meta(v7(kT0, 1)));
    r.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5-codex").call(kT0 + 2000, {100, 0, 10, 0});
    Rollout cut = r;
    cut.call(kT0 + 2500, {1, 0, 1, 0});  // the line that gets cut
    std::string truncated = cut.text(cut.size() - 1);
    truncated = truncated.substr(0, 120);  // "type":"token_count" survives, the JSON does not
    r.raw(truncated).raw(R"(not json at all ":"t)");
    std::string bad_utf8 =
        codex_test::line(kT0 + 2600, "event_msg", {{"type", "agent_message"}, {"message", "tidy XX done"}});
    bad_utf8.replace(bad_utf8.find("XX"), 2, "\xff\xfe");
    r.raw(bad_utf8);
    r.call(kT0 + 3000, {200, 100, 20, 0});
    std::string utf8_call = Rollout(r).call(kT0 + 4000, {300, 200, 30, 0}).text(r.size());
    utf8_call.insert(utf8_call.find("\"rate_limits\""), "\"note\":\"\xc3\x28\",");  // invalid 2-byte sequence
    const std::string text = r.text() + utf8_call;

    const fs::path plain = write_rollout(home.path(), r, text);
    const auto result = scan_file(home.path(), plain);
    CHECK(result.malformed_lines == 2);
    REQUIRE(result.events.size() == 3);
    check_tokens(result.events[2], 100, 200, 30, 0);

    // The same bytes compressed: the same events and the same count.
    testing::TempDir zhome;
    const fs::path zst = zhome / (r.session_path() + ".zst");
    testing::write_file(zst, codex_test::zstd_frame(text));
    const auto z = scan_file(zhome.path(), zst);
    CHECK(z.malformed_lines == 2);
    CHECK(ids(z) == ids(result));
}

TEST_CASE("codex scan: the model is sticky from turn_context, else config.toml's default (guessed)") {
    testing::TempDir home;
    testing::write_file(home / "config.toml",
                        "# Codex\nmodel_provider = \"openai\"\n  model = 'gpt-5'  # default\n[profiles.fast]\nmodel = "
                        "\"gpt-5-mini\"\n");
    Rollout r(meta(v4(1)));  // an old rollout: v4 id, turn_context without model
    r.turn(kT0 + 1000, "", "", false)
        .call(kT0 + 2000, {100, 0, 10, 0})
        .turn(kT0 + 3000, "", "gpt-5.1-codex", false)
        .call(kT0 + 4000, {200, 0, 20, 0});
    const fs::path archived = home / "archived_sessions" / r.file_name();
    testing::write_file(archived, r.text());
    const auto result = scan_file(home.path(), archived);
    REQUIRE(result.events.size() == 2);
    CHECK(result.events[0].model == "gpt-5");
    CHECK(result.events[0].model_guessed);
    CHECK(result.events[1].model == "gpt-5.1-codex");
    CHECK_FALSE(result.events[1].model_guessed);

    testing::TempDir bare;  // no config.toml: no model, and not a guess
    const fs::path p = bare / "sessions/2026/03/01" / r.file_name();
    testing::write_file(p, Rollout(meta(v4(1))).call(kT0 + 2000, {100, 0, 10, 0}).text());
    const auto none = scan_file(bare.path(), p);
    REQUIRE(none.events.size() == 1);
    CHECK(none.events[0].model.empty());
    CHECK_FALSE(none.events[0].model_guessed);

    using usage::plugins::codex::toml_top_level_model;
    CHECK(toml_top_level_model("model=\"o3\"") == "o3");
    CHECK(toml_top_level_model("\"model\" = \"gpt-5-codex\" # x\n") == "gpt-5-codex");
    CHECK_FALSE(toml_top_level_model("model_provider = \"x\"\n").has_value());
    CHECK_FALSE(toml_top_level_model("[profiles.a]\nmodel = \"o3\"\n").has_value());
    CHECK_FALSE(toml_top_level_model("model = 5\n").has_value());
    CHECK(usage::plugins::codex::codex_home_of("/h/.codex/sessions/2026/03/01/r.jsonl") == "/h/.codex");
    CHECK(usage::plugins::codex::codex_home_of("/h/.codex/archived_sessions/r.jsonl") == "/h/.codex");
    CHECK(usage::plugins::codex::codex_home_of("/data/rollouts/r.jsonl") == "/data/rollouts");
}

TEST_CASE("codex: surface from originator, then source") {
    using usage::plugins::codex::surface_of;
    CHECK(surface_of("codex_cli_rs", "cli") == "cli");
    CHECK(surface_of("codex-tui", "cli") == "cli");
    CHECK(surface_of("codex_vscode", "vscode") == "ide");
    CHECK(surface_of("Codex Desktop", "vscode") == "desktop");
    CHECK(surface_of("codex_exec", "exec") == "exec");
    CHECK(surface_of("codex_sdk_ts", "exec") == "exec");
    CHECK(surface_of("", "mcp") == "mcp");
    CHECK(surface_of("", "vscode") == "ide");
    CHECK(surface_of("OpenClaw", "cli") == "openclaw");
    CHECK(surface_of("Acme Agent", "subagent") == "acme-agent");
    CHECK(surface_of("", "") == "cli");
}

TEST_CASE("codex: plain, .zst (one or more frames) and archived copies give identical events") {
    Rollout r(meta(v7(kT0, 1)));
    r.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5-codex");
    for (int i = 1; i <= 40; ++i)
        r.call(kT0 + 1000 + i * 1000, {1000 + i, 900, 10 + i, i % 3}).tool_output(kT0 + 1001 + i * 1000, 9000);
    const std::string text = r.text();

    testing::TempDir a, b, c, d;
    const auto plain = scan_file(a.path(), write_rollout(a.path(), r, text));
    const fs::path zst = b / (r.session_path() + ".zst");
    testing::write_file(zst, codex_test::zstd_frame(text));
    const auto z = scan_file(b.path(), zst);
    const fs::path archived = c / "archived_sessions" / r.file_name();
    testing::write_file(archived, text);
    const auto arch = scan_file(c.path(), archived);
    // Two frames split inside a line, as a concatenated stream would be.
    const std::size_t cut = text.size() / 2 + 7;
    const fs::path frames = d / "archived_sessions" / (r.file_name() + ".zst");
    testing::write_file(frames,
                        codex_test::zstd_frame(text.substr(0, cut)) + codex_test::zstd_frame(text.substr(cut), 1));
    const auto multi = scan_file(d.path(), frames);

    REQUIRE(plain.events.size() == 40);
    for (const auto* other : {&z, &arch, &multi}) {
        REQUIRE(other->events.size() == 40);
        for (std::size_t i = 0; i < 40; ++i) {
            CHECK(other->events[i].id == plain.events[i].id);
            CHECK(other->events[i].tokens == plain.events[i].tokens);
            CHECK(other->events[i].timestamp_ms == plain.events[i].timestamp_ms);
            CHECK(other->events[i].session_id == plain.events[i].session_id);
            CHECK(other->events[i].model == plain.events[i].model);
        }
    }
    CHECK(z.bytes_read == fs::file_size(zst));
    CHECK(z.state.empty());  // rewritten whole: nothing to continue from
}

TEST_CASE("codex zst: a truncated last frame keeps the complete part, corrupt data names the file") {
    Rollout r(meta(v7(kT0, 1)));
    r.turn(kT0 + 1000, v7(kT0 + 1000, 2), "gpt-5-codex")
        .call(kT0 + 2000, {100, 0, 10, 0})
        .call(kT0 + 3000, {200, 100, 20, 0});
    const std::size_t first = r.size();
    r.call(kT0 + 4000, {300, 200, 30, 0});
    testing::TempDir home;
    const fs::path zst = home / (r.session_path() + ".zst");
    const std::string tail = codex_test::zstd_frame(r.text(first));
    testing::write_file(zst, codex_test::zstd_frame(r.text().substr(0, r.text().size() - r.text(first).size())) +
                                 tail.substr(0, tail.size() / 2));
    const auto result = scan_file(home.path(), zst);
    CHECK(result.events.size() == 2);

    testing::write_file(zst, "\x28\xb5\x2f\xfd this is not a zstd frame at all");
    CHECK_THROWS_WITH_AS(scan_file(home.path(), zst), doctest::Contains(zst.string().c_str()), std::runtime_error);
}

TEST_CASE("codex state: round trip, and an unreadable state starts fresh") {
    using namespace usage::plugins::codex;
    ThreadState s;
    s.meta_seen = true;
    s.thread_id = "t";
    s.session_id = "p";
    s.parent_id = "p";
    s.surface = "ide";
    s.provider = "openai";
    s.cwd = "/w/app";
    s.git_branch = "main";
    s.repository = "https://github.com/acme/app";
    s.model = "gpt-5";
    s.model_guessed = true;
    s.in_replay = true;
    s.child_ms = kT0;
    s.task_turn_id = "x";
    s.task_started = 17;
    s.replayed = {1, 18446744073709551615ull};
    s.has_prev = true;
    s.prev = {1, 2, 3, 4, 5, 6};
    const ThreadState back = decode_state(encode_state(s));
    CHECK(encode_state(back) == encode_state(s));
    CHECK(back.prev == s.prev);
    CHECK(back.replayed == s.replayed);
    CHECK(back.in_replay);
    CHECK(back.model_guessed);
    CHECK_FALSE(decode_state("garbage").meta_seen);
    CHECK_FALSE(decode_state(R"({"v":2,"meta":true})").meta_seen);
    CHECK_FALSE(decode_state(R"({"v":1,"meta":"yes"})").meta_seen);
}
