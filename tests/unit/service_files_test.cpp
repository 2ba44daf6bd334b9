// The packaged service files are the generator's output: what a package
// installs and what `usage-agent service install` writes cannot drift apart.
#include <doctest/doctest.h>

#include "service/launchd_agent.hpp"
#include "service/systemd_user_unit.hpp"
#include "test_support.hpp"

TEST_CASE("service files: packaging/systemd/usage-agent.service is the generated unit for /usr/bin") {
    CHECK(testing::read_file(testing::source_dir() / "packaging/systemd/usage-agent.service") ==
          agent::service::systemd_unit_text({"/usr/bin/usage-agent", "run"}));
}

TEST_CASE("service files: packaging/launchd/dev.usage-agent.plist is the generated plist with a @HOME@ template") {
    std::string packaged = testing::read_file(testing::source_dir() / "packaging/launchd/dev.usage-agent.plist");
    // The packaged template explains its placeholder in a comment the generated file has no use for.
    const auto begin = packaged.find("<!--");
    const auto end = packaged.find("-->\n");
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    packaged.erase(begin, end + 4 - begin);
    CHECK(packaged ==
          agent::service::launchd_plist_text({"/usr/local/bin/usage-agent", "run"}, "@HOME@/Library/Logs/usage-agent"));
}

TEST_CASE("service files: ExecStart words keep % and $ literal and quote what systemd would split") {
    using agent::service::systemd_exec_word;
    CHECK(systemd_exec_word("/usr/bin/usage-agent") == "/usr/bin/usage-agent");
    CHECK(systemd_exec_word("/data/100%") == "/data/100%%");
    CHECK(systemd_exec_word("/data/$HOME") == "/data/$$HOME");
    CHECK(systemd_exec_word("/my store") == "\"/my store\"");
    CHECK(systemd_exec_word("/a\"b\\c") == "\"/a\\\"b\\\\c\"");
    CHECK(systemd_exec_word("") == "\"\"");
    CHECK_THROWS_WITH(systemd_exec_word("/a\nb"),
                      "'/a\nb' holds a control character, which a systemd unit cannot carry");
}
