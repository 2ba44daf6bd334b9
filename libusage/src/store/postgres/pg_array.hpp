// A PostgreSQL array literal built one element at a time, so a whole batch
// travels as a few parameters ($1::text[], $2::bigint[], ...) that unnest()
// turns back into rows: one statement and one round trip per batch instead
// of one per event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usage::pg {

class ArrayLiteral {
public:
    void add(std::string_view text);  ///< quoted and escaped
    void add(std::int64_t value);
    void add(bool value) { add_raw(value ? "t" : "f"); }
    void add(const std::optional<std::int64_t>& value);
    void add_null() { add_raw("NULL"); }
    [[nodiscard]] std::size_t size() const { return size_; }
    /// `{...}`, ready to be a parameter.
    [[nodiscard]] std::string text() const { return "{" + body_ + "}"; }

private:
    void add_raw(std::string_view element);
    std::string body_;
    std::size_t size_ = 0;
};

}  // namespace usage::pg
