// A test OTLP/HTTP receiver: testing::LoopbackHttpServer records every
// request; this reads the accepted ones back as OpenTelemetry JSON and sums
// them the way docs/otlp.md tells a receiver to (the latest record per
// usage.event_id, superseded copies and failed calls left out of the sums).
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "usage/net/gzip.hpp"

namespace otlp_test {

/// One log record's attributes by key, values as the JSON gave them.
using Attributes = std::map<std::string, nlohmann::json>;

inline Attributes attributes_of(const nlohmann::json& list) {
    Attributes out;
    for (const auto& a : list) out[a.at("key").get<std::string>()] = a.at("value");
    return out;
}

/// An intValue: a decimal string in OTLP JSON (a number would be a bug here).
inline std::int64_t int_of(const Attributes& a, const std::string& key) {
    const auto it = a.find(key);
    REQUIRE_MESSAGE(it != a.end(), key);
    REQUIRE_MESSAGE(it->second.at("intValue").is_string(), key);
    return std::stoll(it->second.at("intValue").get<std::string>());
}
inline std::string text_of(const Attributes& a, const std::string& key) {
    const auto it = a.find(key);
    return it == a.end() ? std::string() : it->second.at("stringValue").get<std::string>();
}
inline bool flag_of(const Attributes& a, const std::string& key) {
    const auto it = a.find(key);
    return it != a.end() && it->second.at("boolValue").get<bool>();
}

/// A request's path ("/v1/logs") and its JSON body, gunzipped.
struct Received {
    std::string path;
    nlohmann::json body;
    std::string head;
};

inline std::vector<Received> decode(const std::vector<testing::LoopbackHttpServer::Request>& requests) {
    std::vector<Received> out;
    for (const auto& r : requests) {
        const auto sp = r.head.find(' ');
        const std::string path = r.head.substr(sp + 1, r.head.find(' ', sp + 1) - sp - 1);
        out.push_back({path, nlohmann::json::parse(usage::gzip_decompress(r.body, 64u << 20)), r.head});
    }
    return out;
}

/// Every log record of these requests, in the order received.
inline std::vector<nlohmann::json> log_records(const std::vector<Received>& requests) {
    std::vector<nlohmann::json> out;
    for (const auto& r : requests) {
        if (r.path != "/v1/logs") continue;
        for (const auto& rl : r.body.at("resourceLogs"))
            for (const auto& sl : rl.at("scopeLogs"))
                for (const auto& rec : sl.at("logRecords")) out.push_back(rec);
    }
    return out;
}

/// What a receiver following docs/otlp.md adds up.
struct Sums {
    std::int64_t events = 0, failed = 0, input = 0, output = 0, cache_read = 0, cache_write = 0, cost_micros = 0;
    std::int64_t genai_input = 0;  ///< gen_ai.usage.input_tokens (input + cache reads and writes)
};

inline Sums sum_latest(const std::vector<nlohmann::json>& records) {
    std::map<std::string, Attributes> latest;
    for (const auto& rec : records) {
        Attributes a = attributes_of(rec.at("attributes"));
        auto& slot = latest[text_of(a, "usage.event_id")];
        if (slot.empty() || int_of(a, "usage.revision") >= int_of(slot, "usage.revision")) slot = std::move(a);
    }
    Sums s;
    for (const auto& [id, a] : latest) {
        if (flag_of(a, "usage.superseded")) continue;
        if (a.contains("error.type")) {
            ++s.failed;
            continue;
        }
        ++s.events;
        s.input += int_of(a, "usage.tokens.input");
        s.output += int_of(a, "gen_ai.usage.output_tokens");
        s.cache_read += int_of(a, "gen_ai.usage.cache_read.input_tokens");
        s.cache_write += int_of(a, "gen_ai.usage.cache_creation.input_tokens");
        s.genai_input += int_of(a, "gen_ai.usage.input_tokens");
        if (a.contains("usage.cost_micros")) s.cost_micros += int_of(a, "usage.cost_micros");
    }
    return s;
}

/// The data points of one metric of a metrics request.
inline std::vector<nlohmann::json> points(const Received& metrics, const std::string& name) {
    for (const auto& rm : metrics.body.at("resourceMetrics"))
        for (const auto& sm : rm.at("scopeMetrics"))
            for (const auto& m : sm.at("metrics"))
                if (m.at("name") == name) {
                    const auto& sum = m.at("sum");
                    CHECK(sum.at("aggregationTemporality") == 2);  // CUMULATIVE
                    CHECK(sum.at("isMonotonic") == true);
                    return sum.at("dataPoints").get<std::vector<nlohmann::json>>();
                }
    FAIL("no metric " << name);
    return {};
}

/// The sum of an integer metric over its points (those of `token_type` only, if given).
inline std::int64_t int_total(const Received& metrics, const std::string& name, const std::string& token_type = "") {
    std::int64_t total = 0;
    for (const auto& p : points(metrics, name)) {
        if (!token_type.empty() && text_of(attributes_of(p.at("attributes")), "usage.token.type") != token_type)
            continue;
        REQUIRE(p.at("asInt").is_string());
        total += std::stoll(p.at("asInt").get<std::string>());
    }
    return total;
}

/// usage.cost over its points, in micro-dollars.
inline std::int64_t cost_micros_total(const Received& metrics) {
    double total = 0;
    for (const auto& p : points(metrics, "usage.cost")) total += p.at("asDouble").get<double>();
    return std::llround(total * 1e6);
}

/// "12.345" (report's cost_usd) in micro-dollars.
inline std::int64_t micros_of(const nlohmann::json& usd) {
    return std::llround(usd.get<double>() * 1e6);
}

}  // namespace otlp_test
