// A random store for the rollup tests (seeded, so every run builds the same
// one): several sources, models (some unpriced, some with a tool-reported
// cost), projects, machines (two named alike), users and sessions crossing
// hour and day boundaries and the DST changes of March/April 2025; then
// grown copies (some earlier, some filling an empty model or session),
// replays superseded by their real call, imports covering replays,
// events marked superseded, and a re-pricing of everything. Failed calls
// (UsageEvent::failure) in every fifth session, some of them copied with
// tokens, earlier or superseded: no rollup may count them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "usage/pricing/pricing.hpp"
#include "usage/store/store.hpp"

namespace rollup_fixture {

// splitmix64: the same numbers on every platform (std distributions are not).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(below(static_cast<std::int64_t>(v.size())))];
    }

private:
    std::uint64_t s_;
};

inline constexpr std::int64_t kStartMs = 1741132800000;  // 2025-03-05T00:00:00Z
inline constexpr std::int64_t kDays = 36;                // to 2025-04-10: Paris and Chatham change DST
inline constexpr std::int64_t kHourMs = 3600000;

inline void first_prices(usage::PriceBook& p) {
    usage::ModelPrice house;
    house.model = "house-model";
    house.base = {2, 8, 0.2, 2.5, 4};
    p.set_overrides({house});
}

// Different overrides: every house-model event and the sonnet ones change cost.
inline void second_prices(usage::PriceBook& p) {
    usage::ModelPrice house;
    house.model = "house-model";
    house.base = {3, 9, 0.3, 3.5, 5};
    usage::ModelPrice sonnet;
    sonnet.model = "claude-sonnet-4-5-20250929";
    sonnet.base = {1, 1, 1, 1, 1};
    p.set_overrides({house, sonnet});
}

/// Fill `store` (whose prices are first_prices(); `store.use_prices(second)`
/// is left to the caller when `reprice`) with about `sessions` sessions. The
/// first pass commits every `commit_every` sessions (0: once, at its end: an
/// empty store's first scan then holds every session in one transaction).
inline void fill(usage::Store& store, std::uint64_t seed, int sessions, int commit_every = 17) {
    Rng rng(seed);
    const std::vector<std::string> sources = {"claude-code", "codex-cli", "cursor", "gemini-cli"};
    const std::vector<std::string> models = {
        "claude-sonnet-4-5-20250929", "claude-opus-4-1", "gpt-5-codex", "house-model", "local-llama", "mystery-7b"};
    const std::vector<std::string> projects = {"api", "web", "infra", "docs", ""};
    const std::vector<std::string> users = {"alice", "bob", "carol", ""};
    const std::vector<std::string> surfaces = {"cli", "ide", "subagent"};
    const std::vector<std::string> machines = {"m-aaaaaaaa-1", "m-bbbbbbbb-2", "m-cccccccc-3", "m-dddddddd-4", ""};
    store.record_machine("m-aaaaaaaa-1", "laptop");
    store.record_machine("m-bbbbbbbb-2", "laptop");  // same hostname, another machine
    store.record_machine("m-cccccccc-3", "build-box");

    std::vector<usage::UsageEvent> written;
    // Not drawn from rng either, and never in `written`: every other figure
    // stays what it was before failed calls existed.
    std::vector<usage::UsageEvent> failed;
    {
        usage::StoreWriter writer(store);
        for (int s = 0; s < sessions; ++s) {
            usage::UsageEvent base;
            base.source = rng.pick(sources);
            base.session_id = "sess-" + std::to_string(s % (sessions - 3));  // a few ids shared across sources
            base.project_name = rng.pick(projects);
            base.user = rng.pick(users);
            base.surface = rng.pick(surfaces);
            base.machine_id = rng.pick(machines);
            // Not drawn from rng, so the other fields stay what they were
            // before repositories existed (tests assert their totals).
            base.repository = s % 4 == 0 ? "" : "https://github.com/acme/r" + std::to_string(s % 3) + ".git";
            const std::string model = rng.pick(models);
            std::int64_t ts = kStartMs + rng.below(kDays * 24 * kHourMs);
            usage::FileBatch batch;
            batch.source = base.source;
            batch.path = "/s" + std::to_string(s);
            const int calls = 1 + static_cast<int>(rng.below(30));
            for (int c = 0; c < calls; ++c) {
                usage::UsageEvent e = base;
                e.id = base.source + ":s" + std::to_string(s) + "c" + std::to_string(c) + ":x";
                e.dedup_group = base.source + ":s" + std::to_string(s) + "c" + std::to_string(c) + ":";
                e.model = rng.chance(85) ? model : rng.pick(models);
                // Mostly minutes apart; sometimes hours (a session across hours and days).
                ts += rng.chance(90) ? rng.below(20 * 60000) : rng.below(30 * kHourMs);
                e.timestamp_ms = ts;
                e.tokens = {rng.below(5000),  rng.below(2000), rng.below(300),
                            rng.below(50000), rng.below(3000), rng.chance(20) ? rng.below(3000) : 0};
                if (rng.chance(10)) e.reported_cost_micros = rng.below(90000);
                if (rng.chance(4)) e.model.clear();       // filled in by a later copy
                if (rng.chance(3)) e.session_id.clear();  // likewise
                if (rng.chance(5)) {
                    e.replay = true;  // a replayed copy: superseded when its real call arrives
                    e.id = e.dedup_group + "replay";
                }
                batch.events.push_back(e);
            }
            if (s % 5 == 1) {
                usage::UsageEvent f = base;
                f.id = base.source + ":s" + std::to_string(s) + "failed:";
                f.model = model;
                f.model_guessed = true;
                f.failure = s % 10 == 1 ? "rate_limit" : "http_529";
                f.timestamp_ms = ts + 1000;
                failed.push_back(f);
            }
            writer.add(batch);
            for (const auto& e : batch.events) written.push_back(e);
            if (commit_every > 0 && s % commit_every == 0) writer.commit();
        }
        writer.add(usage::FileBatch{"failed", "/failed", failed, std::nullopt});
        writer.commit();
    }

    // Second pass: grown copies, fills, earlier times, real calls of replays, supersedes.
    usage::FileBatch again;
    again.source = "mixed";
    again.path = "/again";
    for (const auto& old : written) {
        usage::UsageEvent e = old;
        if (old.replay) {
            if (!rng.chance(60)) continue;
            e.replay = false;
            e.id = e.dedup_group + "real";
            e.tokens.output += 10;
            again.events.push_back(e);
            continue;
        }
        if (!rng.chance(25)) continue;
        e.tokens.output += rng.below(500);
        if (rng.chance(30)) e.timestamp_ms -= rng.below(2 * kHourMs);  // an earlier copy: may change hour
        if (e.model.empty()) e.model = "claude-opus-4-1";
        if (e.session_id.empty()) e.session_id = "late-" + e.id;
        // A later copy that knows the repository: the event moves rows.
        if (e.repository.empty() && old.timestamp_ms % 2 == 0) e.repository = "git@example.com:acme/late.git";
        if (rng.chance(10)) e.reported_cost_micros = rng.below(90000);
        again.events.push_back(e);
    }
    // Copies of failed calls: with tokens (a store must not count them), an
    // hour earlier (another rollup row, if one counted them).
    for (std::size_t i = 0; i < failed.size(); i += 3) {
        usage::UsageEvent e = failed[i];
        e.tokens.output = 40;
        if (i % 2 == 0) e.timestamp_ms -= kHourMs;
        again.events.push_back(e);
    }
    usage::StoreWriter w2(store);
    w2.add(again);
    for (std::size_t i = 1; i < failed.size(); i += 7) w2.mark_superseded(failed[i].id);
    for (const auto& e : written)
        if (!e.replay && rng.chance(3)) w2.mark_superseded(e.id);
    // An import that is the complete record of cursor over one day: its replays there stop counting.
    w2.add_coverage("cursor", kStartMs + 10 * 24 * kHourMs, kStartMs + 11 * 24 * kHourMs);
    w2.commit();
}

}  // namespace rollup_fixture
