#include "store/postgres/pg_array.hpp"

namespace usage::pg {

void ArrayLiteral::add_raw(std::string_view element) {
    if (size_++ > 0) body_ += ',';
    body_ += element;
}

void ArrayLiteral::add(std::string_view text) {
    if (size_++ > 0) body_ += ',';
    // Always quoted: an unquoted NULL, empty string or one with braces,
    // commas or spaces would mean something else.
    body_ += '"';
    for (char c : text) {
        if (c == '\0') continue;  // text cannot hold NUL; libpq would end the whole parameter there
        if (c == '"' || c == '\\') body_ += '\\';
        body_ += c;
    }
    body_ += '"';
}

void ArrayLiteral::add(std::int64_t value) {
    add_raw(std::to_string(value));
}

void ArrayLiteral::add(const std::optional<std::int64_t>& value) {
    if (value)
        add(*value);
    else
        add_null();
}

}  // namespace usage::pg
