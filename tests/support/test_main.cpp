// The test runner: doctest's own main, plus two guards that keep ctest honest.
//
// ctest runs this binary once per case with `--test-case=NAME`. A name that
// CMake's discovery splits (it treats `;` as a list separator) becomes pieces
// that match no case; doctest then runs nothing and exits 0, so ctest would
// report "Passed" for a test that never ran. Hence:
//  - a filtered run that matches no case fails;
//  - `--list-test-cases` (what discovery calls at build time) fails on a name
//    discovery cannot carry intact, naming the case, so the build stops.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

struct RunRecord {
    bool ran = false;            ///< a real run (not a query) took place
    unsigned cases_matched = 0;  ///< cases that passed the filters
    std::vector<std::string> bad_names;
};

RunRecord& record() {
    static RunRecord r;
    return r;
}

/// Characters that CMake's discovery or doctest's filter syntax would change:
/// `;` splits the ctest name, a leading or trailing blank is trimmed away, and
/// a backslash or newline cannot round-trip through the generated script.
bool splittable(const std::string& name) {
    if (name.empty() || name.front() == ' ' || name.back() == ' ') return true;
    return name.find_first_of(";\\\n\r\t") != std::string::npos;
}

struct RunGuard : doctest::IReporter {
    explicit RunGuard(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData& q) override {
        for (unsigned i = 0; i < q.num_data; ++i) {
            std::string name = q.data[i]->m_name;
            if (splittable(name)) record().bad_names.push_back(name);
        }
    }
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& s) override {
        record().ran = true;
        record().cases_matched = s.numTestCasesPassingFilters;
    }
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

DOCTEST_REGISTER_LISTENER("run_guard", 1, RunGuard);

}  // namespace

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    int rc = context.run();
    if (!record().bad_names.empty()) {
        for (const auto& n : record().bad_names)
            std::fprintf(stderr,
                         "test name cannot be registered with ctest intact (`;`, backslash, control "
                         "character or edge blank): \"%s\"\n",
                         n.c_str());
        return 1;
    }
    if (record().ran && record().cases_matched == 0) {
        std::fprintf(stderr, "no test case matches the given filters: nothing ran\n");
        return 1;
    }
    return rc;
}
