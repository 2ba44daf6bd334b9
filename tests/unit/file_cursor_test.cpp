// Cursor verdicts: unchanged files are skipped by stat alone; appends
// continue; truncation, rewrites and replaced files restart from 0.
#include "usage/scan/file_cursor.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include "test_support.hpp"

using usage::CursorVerdict;

namespace {
usage::FileCursor cursor_after_read(const std::filesystem::path& p) {
    auto st = usage::stat_file(p);
    REQUIRE(st);
    auto content = testing::read_file(p);
    auto end = content.rfind('\n');
    return usage::make_cursor(p, *st, end == std::string::npos ? 0 : end + 1, "");
}
}  // namespace

TEST_CASE("cursor: no cursor means read from the start") {
    testing::TempDir dir;
    testing::write_file(dir / "a.jsonl", "{}\n");
    CHECK(usage::judge_cursor(dir / "a.jsonl", *usage::stat_file(dir / "a.jsonl"), std::nullopt) ==
          CursorVerdict::restart);
}

TEST_CASE("cursor: unchanged, appended, completed last line") {
    testing::TempDir dir;
    auto p = dir / "a.jsonl";
    testing::write_file(p, "{\"a\":1}\n{\"b\":");  // incomplete last line
    auto c = cursor_after_read(p);
    CHECK(c.offset == 8);
    CHECK(usage::judge_cursor(p, *usage::stat_file(p), c) == CursorVerdict::unchanged);
    testing::append_file(p, "2}\n");
    CHECK(usage::judge_cursor(p, *usage::stat_file(p), c) == CursorVerdict::append);
}

TEST_CASE("cursor: truncated, rewritten in place, or replaced by another inode restarts") {
    testing::TempDir dir;
    auto p = dir / "a.jsonl";
    testing::write_file(p, std::string(5000, 'x') + "\n" + std::string(100, 'y') + "\n");
    auto c = cursor_after_read(p);

    SUBCASE("truncated") {
        testing::write_file(p, "{}\n");
        CHECK(usage::judge_cursor(p, *usage::stat_file(p), c) == CursorVerdict::restart);
    }
    SUBCASE("same size class, head rewritten, then grown") {
        std::string content = testing::read_file(p);
        content[0] = 'z';
        content += "more\n";
        testing::write_file(p, content);  // ofstream trunc keeps the inode
        CHECK(usage::stat_file(p)->inode == c.stat.inode);
        CHECK(usage::judge_cursor(p, *usage::stat_file(p), c) == CursorVerdict::restart);
    }
    SUBCASE("bytes just before the offset rewritten (copy-truncate while stopped)") {
        std::string content = testing::read_file(p);
        content[5050] = 'Q';
        content += "more\n";
        testing::write_file(p, content);
        CHECK(usage::judge_cursor(p, *usage::stat_file(p), c) == CursorVerdict::restart);
    }
    SUBCASE("replaced by a new file (new inode)") {
        auto q = dir / "b.jsonl";
        testing::write_file(q, testing::read_file(p) + "extra\n");
        std::filesystem::rename(q, p);
        CHECK(usage::judge_cursor(p, *usage::stat_file(p), c) == CursorVerdict::restart);
    }
}

TEST_CASE("cursor: a snapshot restarts on a new inode, a cumulative file keeps its state") {
    testing::TempDir dir;
    auto p = dir / "totals.json";
    testing::write_file(p, "{\"total\":1}");
    const auto first = usage::stat_file(p);
    REQUIRE(first);
    const auto c = usage::make_cursor(p, *first, 0, "counted=1");
    CHECK(usage::judge_cumulative(*first, std::nullopt) == CursorVerdict::restart);
    CHECK(usage::judge_cumulative(*first, c) == CursorVerdict::unchanged);
    CHECK(usage::judge_snapshot(*first, c) == CursorVerdict::unchanged);

    // Rewritten by rename: another inode (the old one is kept alive so the
    // number cannot be reused).
    std::filesystem::rename(p, dir / "old.json");
    testing::write_file(dir / "new.json", "{\"total\":22}");
    std::filesystem::rename(dir / "new.json", p);
    const auto second = usage::stat_file(p);
    REQUIRE(second);
    REQUIRE(second->inode != first->inode);
    CHECK(usage::judge_snapshot(*second, c) == CursorVerdict::restart);
    CHECK(usage::judge_cumulative(*second, c) == CursorVerdict::append);
}
