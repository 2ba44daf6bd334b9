// UsageEvent::merge: how two copies of one call combine (plugins whose
// copies are whole events use it; the store applies the same rules in SQL).
#include "usage/model/event.hpp"

#include <doctest/doctest.h>

#include "usage/model/failure_kind.hpp"

TEST_CASE("event merge: the higher-ranked prompt whole, the larger output, first non-empty text, earliest time") {
    usage::UsageEvent a;
    a.id = "x:1";
    a.model = "m";
    a.timestamp_ms = 2000;
    a.tokens = {10, 5, 1, 100, 7, 0};
    a.replay = true;
    usage::UsageEvent b;
    b.id = "x:1";
    b.model = "other";
    b.session_id = "s";
    b.git_branch = "main";
    b.timestamp_ms = 1000;
    b.tokens = {8, 50, 0, 100, 9, 3};
    b.reported_cost_micros = 42;
    b.replay = false;
    a.merge(b);
    // b's prompt (8 + 100 + 9 + 3 = 120) outranks a's (10 + 100 + 7 = 117):
    // all four prompt figures come from b, output and reasoning are maxima.
    CHECK(a.tokens == usage::TokenCounts{8, 50, 1, 100, 9, 3});
    CHECK(a.tokens.total() == 8 + 50 + 100 + 9 + 3);
    CHECK(a.model == "m");
    CHECK(a.session_id == "s");
    CHECK(a.git_branch == "main");
    CHECK(a.timestamp_ms == 1000);
    CHECK(a.reported_cost_micros == 42);
    CHECK_FALSE(a.replay);  // seen once outside a replay: not a replay

    usage::UsageEvent no_time = b;
    no_time.timestamp_ms = 0;
    a.merge(no_time);
    CHECK(a.timestamp_ms == 1000);
}

namespace {

// The copies of one gateway-routed Claude message (message id, no request id)
// seen in a public fixture: a partial copy reporting the whole prompt as input,
// and the final copy with the cache split.
usage::TokenCounts partial_copy() {
    usage::TokenCounts t;
    t.input = 15000;
    t.output = 300;
    return t;
}

usage::TokenCounts final_copy() {
    usage::TokenCounts t;
    t.input = 12;
    t.cache_write_5m = 2000;
    t.cache_read = 14988;
    t.output = 900;
    return t;
}

}  // namespace

TEST_CASE("token merge: prompt figures of two copies are never mixed, in either order") {
    for (bool partial_first : {true, false}) {
        CAPTURE(partial_first);
        usage::TokenCounts t = partial_first ? partial_copy() : final_copy();
        t.merge_copy(partial_first ? final_copy() : partial_copy());
        CHECK(t == final_copy());
        CHECK(t.total() == 17900);  // per-field maximum would say 32,888
    }
}

TEST_CASE("token merge: output grows across streaming copies, equal prompts keep their figures") {
    usage::TokenCounts first;
    first.input = 3;
    first.cache_read = 5000;
    first.cache_write_5m = 120;
    first.output = 1;
    usage::TokenCounts last = first;
    last.output = 480;
    last.reasoning = 64;
    usage::TokenCounts t = first;
    t.merge_copy(last);
    CHECK(t == last);
    t.merge_copy(first);  // an older copy read later changes nothing
    CHECK(t == last);
    t.merge_copy(t);  // idempotent
    CHECK(t == last);
}

TEST_CASE("token merge: equal prompt sizes, the copy with the cache split wins, whatever the order") {
    usage::TokenCounts bare;
    bare.input = 1000;
    bare.output = 10;
    usage::TokenCounts split;
    split.input = 200;
    split.cache_read = 700;
    split.cache_write_1h = 100;
    split.output = 7;
    usage::TokenCounts a = bare;
    a.merge_copy(split);
    usage::TokenCounts b = split;
    b.merge_copy(bare);
    CHECK(a == b);
    CHECK(a.input == 200);
    CHECK(a.cache_read == 700);
    CHECK(a.cache_write_1h == 100);
    CHECK(a.output == 10);
}

TEST_CASE("failure kinds: a plain name or an HTTP status, never free text") {
    CHECK(usage::failure_name("rate_limit") == "rate_limit");
    CHECK(usage::failure_name("http_2") == "http_2");
    CHECK_FALSE(usage::failure_name(""));
    CHECK_FALSE(usage::failure_name("Rate_Limit"));
    CHECK_FALSE(usage::failure_name("Bad Thing!"));
    CHECK_FALSE(usage::failure_name(std::string(41, 'a')));
    CHECK(usage::failure_name(std::string(40, 'a')) == std::string(40, 'a'));
    CHECK(usage::http_failure(529) == "http_529");
    CHECK(usage::http_failure(100) == "http_100");
    CHECK(usage::http_failure(599) == "http_599");
    CHECK_FALSE(usage::http_failure(99));
    CHECK_FALSE(usage::http_failure(600));
    CHECK_FALSE(usage::http_failure(0));
}
