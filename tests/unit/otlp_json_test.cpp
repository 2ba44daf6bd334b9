// The OTLP JSON pieces that the end-to-end tests do not reach with every
// value: provider names, error and partial-success answers, the retry policy.
#include "sync/otlp_json.hpp"

#include <doctest/doctest.h>

#include "usage/sync/retry_backoff.hpp"

TEST_CASE("otlp json: providers take the semconv's well-known names, others pass as they are") {
    CHECK(usage::sync::otlp_provider_name("anthropic") == "anthropic");
    CHECK(usage::sync::otlp_provider_name("openai") == "openai");
    CHECK(usage::sync::otlp_provider_name("bedrock") == "aws.bedrock");
    CHECK(usage::sync::otlp_provider_name("azure") == "azure.ai.openai");
    CHECK(usage::sync::otlp_provider_name("google") == "gcp.gemini");
    CHECK(usage::sync::otlp_provider_name("vertex") == "gcp.vertex_ai");
    CHECK(usage::sync::otlp_provider_name("qwen") == "qwen");
    CHECK(usage::sync::otlp_provider_name("") == "");
}

TEST_CASE("otlp json: an error answer's reason is the Status message, else the body's start on one line") {
    CHECK(usage::sync::otlp_error_reason(R"({"code":3,"message":"bad\nattribute"})") == "bad attribute");
    CHECK(usage::sync::otlp_error_reason("plain\r\ntext") == "plain  text");
    CHECK(usage::sync::otlp_error_reason(std::string(300, 'x')).size() == 200);
}

TEST_CASE("otlp json: partial success counts what was dropped, as a string or a number") {
    std::string note;
    CHECK(usage::sync::otlp_rejected(R"({"partialSuccess":{"rejectedLogRecords":"7"}})", "rejectedLogRecords", note) ==
          7);
    CHECK(note.empty());
    CHECK(usage::sync::otlp_rejected(R"({"partialSuccess":{"rejectedDataPoints":3,"errorMessage":"old"}})",
                                     "rejectedDataPoints", note) == 3);
    CHECK(note == "; the receiver said: old");
    CHECK(usage::sync::otlp_rejected("{}", "rejectedLogRecords", note) == 0);
    CHECK(usage::sync::otlp_rejected("not json", "rejectedLogRecords", note) == 0);
}

TEST_CASE("retry policy: 408, 429 and 5xx are transient, other statuses are verdicts") {
    for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) CHECK_MESSAGE(usage::sync::is_transient_status(s), s);
    for (long s : {400L, 401L, 403L, 404L, 413L, 200L}) CHECK_FALSE_MESSAGE(usage::sync::is_transient_status(s), s);
    usage::sync::RetryBackoff backoff(std::chrono::milliseconds(1000), std::chrono::milliseconds(5000));
    for (int i = 0; i < 20; ++i) {
        const auto first = backoff.next(0, std::nullopt);
        CHECK(first >= std::chrono::milliseconds(500));
        CHECK(first <= std::chrono::milliseconds(1000));
        const auto capped = backoff.next(10, std::nullopt);
        CHECK(capped >= std::chrono::milliseconds(2500));
        CHECK(capped <= std::chrono::milliseconds(5000));
    }
    CHECK(backoff.next(3, std::chrono::seconds(7)) == std::chrono::milliseconds(7000));
    CHECK(backoff.next(3, std::chrono::seconds(3600)) == std::chrono::minutes(10));
}
