// gen_gemini_json.hpp — a minimal ordered JSON tree for bench_gen_gemini,
// written the way Node's JSON.stringify writes it: compact for JSONL lines,
// two-space indentation for legacy session files. Standard library only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench::gemini {

class Json {
public:
    enum class Kind { null, boolean, integer, string, array, object };

    Json() = default;
    static Json boolean(bool v) {
        Json j(Kind::boolean);
        j.int_ = v ? 1 : 0;
        return j;
    }
    static Json integer(std::int64_t v) {
        Json j(Kind::integer);
        j.int_ = v;
        return j;
    }
    static Json string(std::string v) {
        Json j(Kind::string);
        j.str_ = std::move(v);
        return j;
    }
    static Json array() { return Json(Kind::array); }
    static Json object() { return Json(Kind::object); }

    /// Append to an array.
    Json& push(Json v) {
        items_.emplace_back(std::string(), std::move(v));
        return *this;
    }
    /// Append a key to an object (keys keep insertion order, as in JS).
    Json& set(std::string key, Json v) {
        items_.emplace_back(std::move(key), std::move(v));
        return *this;
    }
    Json& set(std::string key, std::string v) { return set(std::move(key), string(std::move(v))); }
    Json& set(std::string key, std::int64_t v) { return set(std::move(key), integer(v)); }

    [[nodiscard]] std::string dump() const {
        std::string out;
        write(out, -1, 0);
        return out;
    }
    [[nodiscard]] std::string pretty() const {
        std::string out;
        write(out, 2, 0);
        return out;
    }

private:
    explicit Json(Kind k) : kind_(k) {}

    static void escape(std::string& out, std::string_view s) {
        out.push_back('"');
        for (char c : s) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\t': out += "\\t"; break;
                case '\r': out += "\\r"; break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        static const char* hex = "0123456789abcdef";
                        out += "\\u00";
                        out.push_back(hex[(c >> 4) & 0xf]);
                        out.push_back(hex[c & 0xf]);
                    } else {
                        out.push_back(c);
                    }
            }
        }
        out.push_back('"');
    }

    static void newline(std::string& out, int indent, int depth) {
        if (indent < 0) return;
        out.push_back('\n');
        out.append(static_cast<std::size_t>(indent * depth), ' ');
    }

    void write(std::string& out, int indent, int depth) const {
        switch (kind_) {
            case Kind::null: out += "null"; return;
            case Kind::boolean: out += int_ ? "true" : "false"; return;
            case Kind::integer: out += std::to_string(int_); return;
            case Kind::string: escape(out, str_); return;
            case Kind::array:
            case Kind::object: break;
        }
        const bool obj = kind_ == Kind::object;
        if (items_.empty()) {
            out += obj ? "{}" : "[]";
            return;
        }
        out.push_back(obj ? '{' : '[');
        bool first = true;
        for (const auto& [key, value] : items_) {
            if (!first) out.push_back(',');
            first = false;
            newline(out, indent, depth + 1);
            if (obj) {
                escape(out, key);
                out += indent < 0 ? ":" : ": ";
            }
            value.write(out, indent, depth + 1);
        }
        newline(out, indent, depth);
        out.push_back(obj ? '}' : ']');
    }

    Kind kind_ = Kind::null;
    std::int64_t int_ = 0;
    std::string str_;
    std::vector<std::pair<std::string, Json>> items_;
};

}  // namespace bench::gemini
