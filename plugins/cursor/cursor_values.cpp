#include "cursor_values.hpp"

#include <cctype>
#include <cmath>

#include "usage/scan/iso_time.hpp"

namespace usage::plugins::cursor {
namespace {

namespace od = simdjson::ondemand;

std::string string_of(od::value v) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return {};
    return std::string(s);
}

// Iterate `v`'s fields if it is an object; false on a JSON error.
template <typename F>
bool for_each_field(od::value v, F&& on_field) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return true;  // not an object: nothing to read
    for (auto field : obj) {
        std::string_view key;
        od::value value;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS || field.value().get(value) != simdjson::SUCCESS)
            return false;
        if (!on_field(key, value)) return false;
    }
    return true;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

od::document* ValueParser::parse(std::string_view value) {
    buffer_.assign(value);
    const std::size_t size = buffer_.size();
    buffer_.resize(size + simdjson::SIMDJSON_PADDING, '\0');
    if (parser_.iterate(buffer_.data(), size, buffer_.size()).get(doc_) != simdjson::SUCCESS) return nullptr;
    return &doc_;
}

std::optional<std::int64_t> timestamp_ms(od::value value) {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return std::nullopt;
    if (type == od::json_type::string) {
        std::string_view s;
        if (value.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
        return detail::parse_iso8601_ms(s);
    }
    if (type != od::json_type::number) return std::nullopt;
    double d = 0;
    if (value.get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d) || d <= 0 || d > 1e15) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(d < 1e11 ? d * 1000 : d));
}

std::optional<Bubble> parse_bubble(ValueParser& parser, std::string_view value) {
    od::document* doc = parser.parse(value);
    od::object obj;
    if (!doc || doc->get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
    Bubble b;
    for (auto field : obj) {
        std::string_view key;
        od::value v;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS || field.value().get(v) != simdjson::SUCCESS)
            return std::nullopt;
        if (key == "type") {
            std::int64_t t = 0;
            if (v.get_int64().get(t) == simdjson::SUCCESS) b.type = static_cast<int>(t);
        } else if (key == "createdAt") {
            b.created_ms = timestamp_ms(v);
        } else if (key == "modelInfo") {
            if (!for_each_field(v, [&](std::string_view k, od::value x) {
                    if (k == "modelName") b.model = string_of(x);
                    return true;
                }))
                return std::nullopt;
        } else if (key == "tokenCount") {
            if (!for_each_field(v, [&](std::string_view k, od::value x) {
                    if (k == "inputTokens")
                        detail::ondemand_token_count(x, b.input_tokens, "tokenCount.inputTokens", b.bad);
                    else if (k == "outputTokens")
                        detail::ondemand_token_count(x, b.output_tokens, "tokenCount.outputTokens", b.bad);
                    return true;
                }))
                return std::nullopt;
        } else if (key == "workspaceUris" && b.workspace_uri.empty()) {
            od::array uris;
            if (v.get_array().get(uris) == simdjson::SUCCESS)
                for (auto uri : uris) {
                    od::value u;
                    if (uri.get(u) == simdjson::SUCCESS) b.workspace_uri = string_of(u);
                    break;
                }
        }
    }
    return b;
}

std::optional<Composer> parse_composer(ValueParser& parser, std::string_view value) {
    od::document* doc = parser.parse(value);
    od::object obj;
    if (!doc || doc->get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
    Composer c;
    for (auto field : obj) {
        std::string_view key;
        od::value v;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS || field.value().get(v) != simdjson::SUCCESS)
            return std::nullopt;
        if (key == "createdAt") {
            c.created_ms = timestamp_ms(v);
        } else if (key == "modelConfig") {
            if (!for_each_field(v, [&](std::string_view k, od::value x) {
                    if (k == "modelName") c.model = string_of(x);
                    return true;
                }))
                return std::nullopt;
        } else if (key == "fullConversationHeadersOnly" && c.first_user_bubble.empty()) {
            od::array headers;
            if (v.get_array().get(headers) != simdjson::SUCCESS) continue;
            for (auto header : headers) {
                od::value h;
                if (header.get(h) != simdjson::SUCCESS) return std::nullopt;
                std::string id;
                std::int64_t type = 0;
                if (!for_each_field(h, [&](std::string_view k, od::value x) {
                        if (k == "bubbleId")
                            id = string_of(x);
                        else if (k == "type" && x.get_int64().get(type) != simdjson::SUCCESS)
                            type = 0;
                        return true;
                    }))
                    return std::nullopt;
                if (type == 1 && !id.empty()) {
                    c.first_user_bubble = std::move(id);
                    break;
                }
            }
        }
    }
    return c;
}

std::string uri_path(std::string_view uri) {
    const auto scheme = uri.find("://");
    if (scheme == std::string_view::npos) return {};
    const auto slash = uri.find('/', scheme + 3);  // after the authority (empty for file:///)
    if (slash == std::string_view::npos) return {};
    std::string_view raw = uri.substr(slash);
    if (auto q = raw.find_first_of("?#"); q != std::string_view::npos) raw = raw.substr(0, q);
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
            out += static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
            i += 2;
        } else {
            out += raw[i];
        }
    }
    // Windows drive paths come as /c:/Users/...: keep them recognisable.
    if (out.size() >= 3 && out[0] == '/' && std::isalpha(static_cast<unsigned char>(out[1])) && out[2] == ':')
        out.erase(0, 1);
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

}  // namespace usage::plugins::cursor
