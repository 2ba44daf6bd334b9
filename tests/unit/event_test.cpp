// UsageEvent::merge: how two copies of one call combine (plugins whose
// copies are whole events use it; the store applies the same rules in SQL).
#include "usage/event.hpp"

#include <doctest/doctest.h>

TEST_CASE("event merge: per-field max of counts, first non-empty text, earliest non-zero time") {
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
    CHECK(a.tokens == usage::TokenCounts{10, 50, 1, 100, 9, 3});
    CHECK(a.tokens.total() == 10 + 50 + 100 + 9 + 3);
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
