// Text from outside printed to a terminal: escapes, display width and cuts
// at character boundaries (agent/src/terminal_text.hpp).
#include "terminal_text.hpp"

#include <doctest/doctest.h>

using agent::display_width;
using agent::escape_terminal_text;
using agent::fit_distinct;
using agent::fit_end;
using agent::fit_middle;
using agent::pad_left;
using agent::pad_right;

TEST_CASE("terminal text: controls, separators and invalid UTF-8 are shown escaped") {
    CHECK(escape_terminal_text("plain name-1.2") == "plain name-1.2");
    CHECK(escape_terminal_text("\x1b[31mred\x1b[0m") == "\\e[31mred\\e[0m");
    CHECK(escape_terminal_text("\x1b]0;title\x07") == "\\e]0;title\\x07");
    CHECK(escape_terminal_text("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(escape_terminal_text(std::string("nul\0end", 7)) == "nul\\x00end");
    CHECK(escape_terminal_text("del\x7f") == "del\\x7f");
    // C1 controls (CSI as U+009B) and bidi overrides, valid UTF-8 all the same.
    CHECK(escape_terminal_text("\xc2\x9b"
                               "31m") == "\\u009b31m");
    CHECK(escape_terminal_text("abc\xe2\x80\xae"
                               "gpj.exe") == "abc\\u202egpj.exe");
    CHECK(escape_terminal_text("line\xe2\x80\xa8sep") == "line\\u2028sep");
    // Invalid UTF-8: a lone continuation byte, a truncated sequence, an
    // overlong form, a surrogate and a byte that never occurs.
    CHECK(escape_terminal_text("a\x80z") == "a\\x80z");
    CHECK(escape_terminal_text("cut \xe4\xb8") == "cut \\xe4\\xb8");
    CHECK(escape_terminal_text("\xc0\xaf") == "\\xc0\\xaf");
    CHECK(escape_terminal_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");
    CHECK(escape_terminal_text("\xff") == "\\xff");
    // Printable non-ASCII stays as it is, backslashes too.
    CHECK(escape_terminal_text("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac C:\\x") ==
          "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac C:\\x");
}

TEST_CASE("terminal text: display width counts wide characters twice and combining marks not at all") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e") == 6);  // 日本語
    CHECK(display_width("\xed\x95\x9c\xea\xb8\x80") == 4);              // 한글
    CHECK(display_width("\xef\xbc\xa1") == 2);                          // fullwidth A
    CHECK(display_width("e\xcc\x81") == 1);                             // e + combining acute
    CHECK(display_width("\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\x82") == 2);  // हिं: ह + vowel sign i + anusvara
    CHECK(display_width("\xf0\x9f\x98\x80") == 2);                      // emoji
    CHECK(display_width("\xf0\xa0\x80\x80") == 2);                      // CJK extension B
    CHECK(display_width("\x1b[1m") == 5);                               // as escaped: \e[1m
    CHECK(agent::char_width(U'\u200b') == 0);
    CHECK(agent::char_width(U'\u00ad') == 1);
    CHECK(agent::char_width(U'\u3000') == 2);
    CHECK(agent::char_width(U'A') == 1);
}

TEST_CASE("terminal text: cuts fall between characters, never inside an escape or a UTF-8 sequence") {
    CHECK(fit_end("short", 10) == "short");
    CHECK(fit_end("exactly-10", 10) == "exactly-10");
    CHECK(fit_end("eleven-char", 10) == "eleven-ch\xe2\x80\xa6");
    // 5 wide characters (10 columns) into 7 columns: 3 of them and the ellipsis.
    CHECK(fit_end("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac", 7) ==
          "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe2\x80\xa6");
    // Into 6 columns: 2 wide characters (4) + ellipsis = 5, never half of one.
    CHECK(fit_end("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5", 6) == "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
    // The escape \e (2 columns) is kept whole or dropped whole.
    CHECK(fit_end("ab\x1b[31mcdef", 4) == "ab\xe2\x80\xa6");
    CHECK(fit_end("ab\x1b[31mcdef", 5) == "ab\\e\xe2\x80\xa6");
    CHECK(fit_end("ab\x07zzzz", 5) == "ab\xe2\x80\xa6");  // \x07 is 4 columns
    // A combining mark stays with its letter.
    CHECK(fit_end("cafe\xcc\x81-latte", 5) == "cafe\xcc\x81\xe2\x80\xa6");
    CHECK(fit_end("anything", 0).empty());
    CHECK(fit_end("anything", 1) == "\xe2\x80\xa6");
}

TEST_CASE("terminal text: middle cuts keep the tail and distinct names stay distinct") {
    CHECK(fit_middle("claude-sonnet-4-5-20250929", 20, 10) ==
          "claude-so\xe2\x80\xa6"
          "5-20250929");
    CHECK(fit_middle("gpt-5-codex", 20, 10) == "gpt-5-codex");
    // Two ids alike at both ends: the split moves until they differ.
    const std::vector<std::string> ids = {"vendor-model-alpha-large-v1", "vendor-model-beta-large-v1",
                                          "claude-sonnet-4-5-20250929"};
    const auto fitted = fit_distinct(ids, 16);
    REQUIRE(fitted.size() == 3);
    // Tails of 8, 9, 7, 10 and 6 columns leave the first two alike ("a-large-v1");
    // 11 tells them apart.
    CHECK(fitted[0] ==
          "vend\xe2\x80\xa6"
          "ha-large-v1");
    CHECK(fitted[1] ==
          "vend\xe2\x80\xa6"
          "ta-large-v1");
    CHECK(fitted[2] ==
          "clau\xe2\x80\xa6"
          "-5-20250929");
    // Names that fit are kept whole; the default split when nothing collides.
    CHECK(fit_distinct({"a", "claude-opus-4-1-20250805"}, 20) == std::vector<std::string>{"a",
                                                                                          "claude-op\xe2\x80\xa6"
                                                                                          "1-20250805"});
}

TEST_CASE("terminal text: padding counts display columns") {
    CHECK(pad_right("ab", 5) == "ab   ");
    CHECK(pad_left("ab", 5) == "   ab");
    CHECK(pad_right("\xe6\x97\xa5\xe6\x9c\xac", 5) == "\xe6\x97\xa5\xe6\x9c\xac ");
    CHECK(pad_right("e\xcc\x81", 3) == "e\xcc\x81  ");
    CHECK(pad_right("too wide", 3) == "too wide");
}
