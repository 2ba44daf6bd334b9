// Kilo Code task folders (the Roo-based extension kilocode.kilo-code): Roo's
// records plus Kilo's `usageMissing` and `inferenceProvider` fields.
#include <doctest/doctest.h>

#include "../../cline/tests/vscode_task_files.hpp"

namespace fs = std::filesystem;
using namespace vscode_task_test;

namespace {

constexpr std::int64_t kDec2025 = 1765000000000;

json kilo_usage(std::int64_t in, std::int64_t out, std::int64_t writes, std::int64_t reads, double cost) {
    json u = usage_text(in, out, writes, reads, cost);
    u["apiProtocol"] = "anthropic";
    u["inferenceProvider"] = "Anthropic";
    u["usageMissing"] = false;
    return u;
}

}  // namespace

TEST_CASE("kilo-code: Roo's tokensIn meaning, usage-less records skipped") {
    testing::TempDir tmp;
    json missing = kilo_usage(0, 0, 0, 0, 0);
    missing["usageMissing"] = true;
    const fs::path dir =
        write_task(tmp / "home/.config/Code/User/globalStorage/kilocode.kilo-code/tasks", "k1",
                   json::array({
                       say(kDec2025, "api_req_started", kilo_usage(5 + 700 + 9000, 40, 700, 9000, 0.03)),
                       say(kDec2025 + 1, "api_req_started", missing),
                       say(kDec2025 + 2, "api_req_started", {{"apiProtocol", "anthropic"}}),
                   }));
    const auto r = scan_dir("kilo-code", dir);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].id == "kilo-code:k1:" + std::to_string(kDec2025));
    CHECK(r.events[0].source == "kilo-code");
    check_sums(r.events, {1, 5, 40, 9000, 700, 30000});

    usage::Environment env({{"HOME", (tmp / "home").string()}});
    usage::DiscoveryContext ctx;
    ctx.env = &env;
    const auto files = plugin("kilo-code").discover(plugin("kilo-code").roots(ctx));
    REQUIRE(files.size() == 1);
    CHECK(files[0].session_hint == "k1");
    // Cline and Roo do not read Kilo's folder.
    CHECK(plugin("cline").discover(plugin("cline").roots(ctx)).empty());
    CHECK(plugin("roo-code").discover(plugin("roo-code").roots(ctx)).empty());
}
