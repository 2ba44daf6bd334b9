// The needle-first line reader: only hit lines reach the callback, offsets
// are exact, an incomplete last line is never reported, and lines longer
// than the buffer are handled whether or not they hold the needle.
#include "usage/scan/jsonl_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace {
struct Hit {
    std::string line;
    std::uint64_t offset;
};

std::vector<Hit> read_all(const std::filesystem::path& p, std::uint64_t from, usage::JsonlReadResult* res = nullptr) {
    std::vector<Hit> hits;
    auto r = usage::read_jsonl_matches(p, from, "NEEDLE", [&](char* line, std::size_t size, std::uint64_t off) {
        hits.push_back({std::string(line, size), off});
    });
    if (res) *res = r;
    return hits;
}
}  // namespace

TEST_CASE("reader: hits, offsets, CRLF, incomplete tail") {
    testing::TempDir dir;
    auto p = dir / "f.jsonl";
    testing::write_file(p, "a\nNEEDLE 1\r\nb\nx NEEDLE 2\nNEEDLE partial");
    usage::JsonlReadResult r;
    auto hits = read_all(p, 0, &r);
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].line == "NEEDLE 1");
    CHECK(hits[0].offset == 2);
    CHECK(hits[1].line == "x NEEDLE 2");
    CHECK(hits[1].offset == 14);
    CHECK(r.end_offset == 25);
    CHECK(r.bytes_read == 39);
    auto again = read_all(p, r.end_offset, &r);
    CHECK(again.empty());
    CHECK(r.end_offset == 25);
}

TEST_CASE("reader: lines far longer than the buffer, with and without the needle") {
    testing::TempDir dir;
    auto p = dir / "big.jsonl";
    const std::string huge_plain(9u << 20, 'p');  // no needle: skipped without being kept
    std::string huge_hit(5u << 20, 'h');          // needle in the middle and near the end
    huge_hit.replace(3u << 20, 6, "NEEDLE");
    const std::string straddle = std::string((2u << 20) - 3, 's') + "NEEDLE" + std::string(100, 's');
    std::string late(7u << 20, 'l');
    late += "NEEDLE";
    testing::write_file(
        p, "first NEEDLE\n" + huge_plain + "\n" + huge_hit + "\n" + straddle + "\n" + late + "\nlast NEEDLE\n");
    usage::JsonlReadResult r;
    auto hits = read_all(p, 0, &r);
    REQUIRE(hits.size() == 5);
    CHECK(hits[0].line == "first NEEDLE");
    CHECK(hits[1].line == huge_hit);
    CHECK(hits[1].offset == 13 + huge_plain.size() + 1);
    CHECK(hits[2].line == straddle);
    CHECK(hits[3].line == late);
    CHECK(hits[4].line == "last NEEDLE");
    CHECK(r.end_offset == std::filesystem::file_size(p));
}

TEST_CASE("reader: a missing file is an error naming it") {
    CHECK_THROWS_WITH_AS(read_all("/nonexistent/x.jsonl", 0), doctest::Contains("/nonexistent/x.jsonl"),
                         std::runtime_error);
}

TEST_CASE("reader: near misses that share the needle's filter bytes are not hits, at every alignment") {
    // The search filters on the needle's first two bytes and its last one;
    // "NEXXLE" and "NEEDLe" pass or nearly pass that filter and must be
    // rejected wherever they fall relative to the 32-byte SIMD blocks.
    testing::TempDir dir;
    auto p = dir / "near.jsonl";
    std::string text;
    for (std::size_t pad = 0; pad < 70; ++pad) {
        text += std::string(pad, '.') + "NEXXLE NEEDLe NEEDL NEDLE" + std::string(70 - pad, '.') + "\n";
        text += std::string(pad, '.') + "NEXXLE NEEDLE" + std::string(70 - pad, '.') + "\n";
    }
    testing::write_file(p, text);
    auto hits = read_all(p, 0);
    REQUIRE(hits.size() == 70);
    for (std::size_t pad = 0; pad < 70; ++pad) CHECK(hits[pad].line.find("NEEDLE") == pad + 7);
}
