// The OTLP JSON encoding of rows and rollups. Attribute names follow the
// GenAI semantic conventions where they have one; the rest are `usage.*`
// (docs/otlp.md lists every one and what it means).
#include "sync/otlp_json.hpp"

#include <map>
#include <nlohmann/json.hpp>

namespace usage::sync {
namespace {

using nlohmann::json;

// An AnyValue: int64 travels as a decimal string (proto3 JSON mapping).
json attr(const std::string& key, const std::string& value) {
    return {{"key", key}, {"value", {{"stringValue", value}}}};
}
json attr_int(const std::string& key, std::int64_t value) {
    return {{"key", key}, {"value", {{"intValue", std::to_string(value)}}}};
}
json attr_bool(const std::string& key, bool value) {
    return {{"key", key}, {"value", {{"boolValue", value}}}};
}
json attr_double(const std::string& key, double value) {
    return {{"key", key}, {"value", {{"doubleValue", value}}}};
}
void attr_if(json& attrs, const std::string& key, const std::string& value) {
    if (!value.empty()) attrs.push_back(attr(key, value));
}

json resource_of(const OtlpResource& r) {
    json attrs = json::array({attr("service.name", "usage-agent")});
    attr_if(attrs, "service.version", r.service_version);
    attr_if(attrs, "host.name", r.host_name);
    attr_if(attrs, "host.id", r.machine_id);
    return {{"attributes", std::move(attrs)}};
}

json scope_of(const OtlpResource& r) {
    return {{"name", "usage-agent"}, {"version", r.service_version}};
}

std::string ns(std::int64_t ns_value) {
    return std::to_string(ns_value);
}

double usd(std::int64_t micros) {
    return static_cast<double>(micros) / 1e6;
}

// One line a person reads in a log viewer; the attributes carry the figures.
std::string body_text(const WireEvent& w) {
    const UsageEvent& e = w.event;
    std::string text = w.superseded ? "superseded copy of a " : "";
    text += e.source;
    text += " call to ";
    text += e.model.empty() ? "an unknown model" : e.model;
    if (!e.failure.empty() && !w.superseded) {
        text += " failed: ";
        text += e.failure;
        return text;
    }
    text += ": ";
    text += std::to_string(e.tokens.prompt());
    text += " input, ";
    text += std::to_string(e.tokens.output);
    text += " output tokens";
    return text;
}

json record_of(const WireEvent& w, const OtlpResource& resource, std::int64_t now_ns) {
    const UsageEvent& e = w.event;
    const bool failed = !e.failure.empty();
    json a = json::array();
    a.push_back(attr("gen_ai.operation.name", "chat"));
    attr_if(a, "gen_ai.provider.name", otlp_provider_name(e.provider));
    a.push_back(attr("gen_ai.request.model", e.model));
    attr_if(a, "gen_ai.conversation.id", e.session_id);
    // semconv: input_tokens includes the cache reads and writes, which are
    // also given on their own; ours are disjoint, so the fresh part is ours.
    a.push_back(attr_int("gen_ai.usage.input_tokens", e.tokens.prompt()));
    a.push_back(attr_int("gen_ai.usage.output_tokens", e.tokens.output));
    a.push_back(attr_int("gen_ai.usage.cache_read.input_tokens", e.tokens.cache_read));
    a.push_back(attr_int("gen_ai.usage.cache_creation.input_tokens", e.tokens.cache_write()));
    a.push_back(attr_int("gen_ai.usage.reasoning.output_tokens", e.tokens.reasoning));
    if (failed) a.push_back(attr("error.type", e.failure));
    a.push_back(attr("usage.event_id", e.id));
    a.push_back(attr_int("usage.revision", w.revision));
    a.push_back(attr_bool("usage.superseded", w.superseded));
    a.push_back(attr("usage.source", e.source));
    attr_if(a, "usage.provider", e.provider);
    attr_if(a, "usage.pricing_model", e.pricing_model);
    if (e.model_guessed) a.push_back(attr_bool("usage.model_guessed", true));
    if (e.aggregate) a.push_back(attr_bool("usage.aggregate", true));
    a.push_back(attr_int("usage.tokens.input", e.tokens.input));
    a.push_back(attr_int("usage.tokens.cache_write_5m", e.tokens.cache_write_5m));
    a.push_back(attr_int("usage.tokens.cache_write_1h", e.tokens.cache_write_1h));
    a.push_back(attr("usage.cost_origin", std::string(to_string(e.cost_origin))));
    if (e.cost_micros) {
        a.push_back(attr_int("usage.cost_micros", *e.cost_micros));
        a.push_back(attr_double("usage.cost_usd", usd(*e.cost_micros)));
        a.push_back(attr_bool("usage.cost_estimated", e.cost_origin != CostOrigin::reported));
    }
    if (e.reported_cost_micros) a.push_back(attr_int("usage.reported_cost_micros", *e.reported_cost_micros));
    attr_if(a, "usage.parent_session_id", e.parent_session_id);
    attr_if(a, "usage.project", e.project_name);
    attr_if(a, "usage.project_path", e.project_path);
    attr_if(a, "usage.repository", e.repository);
    attr_if(a, "usage.git_branch", e.git_branch);
    attr_if(a, "usage.surface", e.surface);
    attr_if(a, "usage.machine", e.machine_id);
    attr_if(a, "usage.user", resource.user);
    const bool warn = failed && !w.superseded;
    return {{"timeUnixNano", ns(e.timestamp_ms * 1'000'000)},
            {"observedTimeUnixNano", ns(now_ns)},
            {"severityNumber", warn ? 13 : 9},
            {"severityText", warn ? "WARN" : "INFO"},
            {"body", {{"stringValue", body_text(w)}}},
            {"attributes", std::move(a)}};
}

// Attributes of a data point: which source and model it counts.
json point_attrs(const std::string& source, const std::string& model) {
    return json::array({attr("usage.source", source), attr("gen_ai.request.model", model)});
}

json int_point(json attrs, std::int64_t value, std::int64_t start_ns, std::int64_t now_ns) {
    return {{"attributes", std::move(attrs)},
            {"startTimeUnixNano", ns(start_ns)},
            {"timeUnixNano", ns(now_ns)},
            {"asInt", std::to_string(value)}};
}

json cumulative_sum(const char* name, const char* unit, const char* description, json points) {
    // aggregationTemporality 2 = AGGREGATION_TEMPORALITY_CUMULATIVE.
    return {{"name", name},
            {"unit", unit},
            {"description", description},
            {"sum", {{"aggregationTemporality", 2}, {"isMonotonic", true}, {"dataPoints", std::move(points)}}}};
}

}  // namespace

std::string otlp_provider_name(const std::string& provider) {
    // The semconv's well-known values for the providers our sources name.
    static const std::map<std::string, std::string> known = {
        {"bedrock", "aws.bedrock"},         {"amazon-bedrock", "aws.bedrock"},
        {"azure", "azure.ai.openai"},       {"vertex", "gcp.vertex_ai"},
        {"google-vertex", "gcp.vertex_ai"}, {"google", "gcp.gemini"},
        {"gemini", "gcp.gemini"},           {"xai", "x_ai"}};
    const auto it = known.find(provider);
    return it == known.end() ? provider : it->second;
}

std::string otlp_logs_body(const std::vector<Outbox::Item>& items, const OtlpResource& resource, std::int64_t now_ns) {
    json records = json::array();
    for (const auto& item : items) records.push_back(record_of(item.event, resource, now_ns));
    json scope_logs = json::array({{{"scope", scope_of(resource)}, {"logRecords", std::move(records)}}});
    json out = {
        {"resourceLogs", json::array({{{"resource", resource_of(resource)}, {"scopeLogs", std::move(scope_logs)}}})}};
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

OtlpMetricsBody otlp_metrics_body(const Report& by_source, const OtlpResource& resource, std::int64_t start_ns,
                                  std::int64_t now_ns) {
    json tokens = json::array(), cost = json::array(), requests = json::array(), failed = json::array();
    OtlpMetricsBody out;
    for (const auto& row : by_source.rows)
        for (const auto& [model, t] : row.models) {
            const std::pair<const char*, std::int64_t> kinds[] = {{"input", t.input_tokens},
                                                                  {"output", t.output_tokens},
                                                                  {"cache_read", t.cache_read_tokens},
                                                                  {"cache_write_5m", t.cache_write_5m_tokens},
                                                                  {"cache_write_1h", t.cache_write_1h_tokens}};
            for (const auto& [kind, value] : kinds) {
                json attrs = point_attrs(row.key, model);
                attrs.push_back(attr("usage.token.type", kind));
                tokens.push_back(int_point(std::move(attrs), value, start_ns, now_ns));
            }
            cost.push_back({{"attributes", point_attrs(row.key, model)},
                            {"startTimeUnixNano", ns(start_ns)},
                            {"timeUnixNano", ns(now_ns)},
                            {"asDouble", usd(t.cost_micros)}});
            requests.push_back(int_point(point_attrs(row.key, model), t.events, start_ns, now_ns));
            failed.push_back(int_point(point_attrs(row.key, model), t.failed_requests, start_ns, now_ns));
            out.points += std::size(kinds) + 3;
        }
    json metrics = json::array(
        {cumulative_sum("usage.tokens", "{token}",
                        "Tokens of answered calls by source, model and disjoint type (their sum is the total)",
                        std::move(tokens)),
         cumulative_sum("usage.cost", "USD", "Cost of priced calls, in US dollars", std::move(cost)),
         cumulative_sum("usage.requests", "{request}", "Answered model calls", std::move(requests)),
         cumulative_sum("usage.failed_requests", "{request}", "Model calls that failed", std::move(failed))});
    json scope_metrics = json::array({{{"scope", scope_of(resource)}, {"metrics", std::move(metrics)}}});
    json body = {{"resourceMetrics",
                  json::array({{{"resource", resource_of(resource)}, {"scopeMetrics", std::move(scope_metrics)}}})}};
    out.json = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return out;
}

std::string otlp_error_reason(std::string_view body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("message") && j["message"].is_string() && !j["message"].get<std::string>().empty())
        return error_reason(j["message"].get<std::string>());  // as text: one line, bounded
    return error_reason(body);
}

std::uint64_t otlp_rejected(std::string_view body, const char* field, std::string& message) {
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("partialSuccess") || !j["partialSuccess"].is_object()) return 0;
    const json& p = j["partialSuccess"];
    std::uint64_t rejected = 0;
    // int64 in JSON: a string, though some receivers write a number.
    if (p.contains(field)) {
        const json& v = p[field];
        if (v.is_string())
            rejected = std::strtoull(v.get<std::string>().c_str(), nullptr, 10);
        else if (v.is_number_unsigned())
            rejected = v.get<std::uint64_t>();
    }
    if (p.contains("errorMessage") && p["errorMessage"].is_string() && !p["errorMessage"].get<std::string>().empty()) {
        message += "; the receiver said: ";
        message += p["errorMessage"].get<std::string>();
    }
    return rejected;
}

}  // namespace usage::sync
