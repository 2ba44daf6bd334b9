#include "vscode_task_messages.hpp"

#include <simdjson.h>

#include <string_view>

#include "usage/model/token_limits.hpp"
#include "usage/scan/ondemand_values.hpp"
#include "vscode_task_text.hpp"

namespace usage::plugins::vscode_tasks {
namespace od = simdjson::ondemand;

namespace {

std::optional<RecordKind> usage_kind(std::string_view say) {
    if (say == "api_req_started") return RecordKind::request;
    if (say == "api_req_finished") return RecordKind::legacy_finished;
    if (say == "deleted_api_reqs" || say == "api_req_deleted") return RecordKind::deleted;
    if (say == "subagent_usage") return RecordKind::subagent;
    return std::nullopt;
}

bool is_null(od::value v) {
    bool null = false;
    return v.is_null().get(null) == simdjson::SUCCESS && null;
}

// The usage document inside a record's `text`. False when it does not parse.
bool parse_usage_text(od::parser& parser, std::string_view text, UsageRecord& r) {
    std::string buf(text);
    const std::size_t size = buf.size();
    buf.resize(size + simdjson::SIMDJSON_PADDING);
    od::document doc;
    od::object obj;
    if (parser.iterate(buf.data(), size, buf.size()).get(doc) || doc.get_object().get(obj)) return false;
    detail::BadNumber bad;
    for (auto field : obj) {
        std::string_view key;
        od::value v;
        if (field.unescaped_key().get(key) || field.value().get(v)) return false;
        std::int64_t* count = key == "tokensIn"      ? &r.tokens_in
                              : key == "tokensOut"   ? &r.tokens_out
                              : key == "cacheWrites" ? &r.cache_writes
                              : key == "cacheReads"  ? &r.cache_reads
                                                     : nullptr;
        if (count) {
            if (is_null(v)) continue;
            r.has_usage = true;
            // The field names of the rule's message are literals that outlive `buf`.
            const std::string_view name = key == "tokensIn"      ? "text.tokensIn"
                                          : key == "tokensOut"   ? "text.tokensOut"
                                          : key == "cacheWrites" ? "text.cacheWrites"
                                                                 : "text.cacheReads";
            (void)detail::ondemand_token_count(v, *count, name, bad);
        } else if (key == "cost") {
            if (is_null(v)) continue;
            r.has_usage = true;
            double usd = 0;
            if (detail::ondemand_cost_usd(v, usd, "text.cost", bad)) r.cost = usd;
        } else if (key == "cancelReason") {
            r.cancel_reason = detail::ondemand_str(v);
        } else if (key == "apiProtocol") {
            r.api_protocol = detail::ondemand_str(v);
        } else if (key == "usageMissing") {
            bool missing = false;
            r.usage_missing = v.get_bool().get(missing) == simdjson::SUCCESS && missing;
        } else if (key == "request") {
            const std::string_view request = detail::ondemand_str(v);
            r.request_model = tagged_model(request);
            r.request_cwd = workspace_dir(request);
        }
    }
    if (bad.found()) r.bad = BadField{std::string(bad.field), quoted_value(bad.value), std::string(bad.rule)};
    return true;
}

void read_model_info(od::value v, UsageRecord& r) {
    od::object info;
    if (v.get_object().get(info)) return;
    for (auto field : info) {
        std::string_view key;
        od::value fv;
        if (field.unescaped_key().get(key) || field.value().get(fv)) return;
        if (key == "providerId") r.provider_id = detail::ondemand_str(fv);
        if (key == "modelId") r.model_id = detail::ondemand_str(fv);
    }
}

// One element of the array. False when the document stops parsing.
bool read_message(od::value element, const char* base, od::parser& inner, TaskMessages& out) {
    od::object msg;
    if (element.get_object().get(msg)) {
        // A non-object element is no message; anything else broke the array.
        od::json_type type{};
        return element.type().get(type) == simdjson::SUCCESS;
    }
    UsageRecord r;
    std::string_view type, say, text;
    bool have_text = false;
    for (auto field : msg) {
        std::string_view key;
        od::value v;
        if (field.unescaped_key().get(key) || field.value().get(v)) return false;
        if (key == "ts") {
            r.ts = detail::ondemand_int(v);
        } else if (key == "type") {
            type = detail::ondemand_str(v);
        } else if (key == "say") {
            say = detail::ondemand_str(v);
        } else if (key == "text") {
            const std::string_view raw = v.raw_json_token();
            r.offset = static_cast<std::uint64_t>(raw.data() - base);
            have_text = v.get_string().get(text) == simdjson::SUCCESS;
        } else if (key == "modelInfo") {
            read_model_info(v, r);
        }
    }
    if (type != "say") return true;
    const auto kind = usage_kind(say);
    if (!kind || !have_text || text.empty()) return true;
    r.kind = *kind;
    if (!parse_usage_text(inner, text, r)) {
        ++out.malformed_records;
        return true;
    }
    out.records.push_back(std::move(r));
    return true;
}

// The end of the last complete element of a top-level array cut off
// mid-write (0: none), found by tracking strings and nesting byte by byte.
std::size_t complete_prefix_end(std::string_view text) {
    std::size_t depth = 0, end = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            if (--depth == 1) end = i + 1;
        }
    }
    return end;
}

// Iterate the array in `data[0, size)`; false when it does not even start.
bool read_array(od::parser& parser, char* data, std::size_t size, std::size_t capacity, const char* base,
                TaskMessages& out) {
    od::parser inner;
    od::document doc;
    od::array messages;
    if (parser.iterate(data, size, capacity).get(doc) || doc.get_array().get(messages)) return false;
    for (auto element : messages) {
        od::value v;
        if (element.get(v) || !read_message(v, base, inner, out)) {
            out.malformed = true;
            break;
        }
    }
    return true;
}

}  // namespace

TaskMessages read_task_messages(const std::filesystem::path& file) {
    TaskMessages out;
    PaddedFile data = read_padded_file(file);
    out.bytes = data.size;
    if (data.size == 0) return out;  // being (re)written: nothing yet
    od::parser parser;
    if (read_array(parser, data.bytes.data(), data.size, data.bytes.size(), data.bytes.data(), out)) return out;
    // Cut off mid-write (Cline rewrites the file in place): the complete
    // messages before the cut, closed into an array of their own.
    out.malformed = true;
    const std::size_t end = complete_prefix_end(data.text());
    if (end == 0) return out;
    std::string prefix(data.bytes.data(), end);
    prefix += ']';
    const std::size_t size = prefix.size();
    prefix.resize(size + simdjson::SIMDJSON_PADDING);
    TaskMessages salvaged;
    salvaged.bytes = out.bytes;
    read_array(parser, prefix.data(), size, prefix.size(), prefix.data(), salvaged);
    salvaged.malformed = true;
    return salvaged;
}

}  // namespace usage::plugins::vscode_tasks
