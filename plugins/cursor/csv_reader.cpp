#include "csv_reader.hpp"

namespace usage::plugins::cursor {

CsvReader::CsvReader(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

void CsvReader::skip_line_end() {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\r') {
        ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
        ++line_;
    } else if (text_[pos_] == '\n') {
        ++pos_;
        ++line_;
    }
}

bool CsvReader::next(CsvRecord& out) {
    const std::size_t size = text_.size();
    while (pos_ < size) {
        out.fields.clear();
        out.line = line_;
        out.well_formed = true;
        const std::size_t start = pos_;
        std::size_t extra_lines = 0;  // line breaks inside quoted fields
        std::string field;
        bool in_quotes = false, field_start = true, after_quote = false, any_quote = false;
        std::size_t i = pos_;
        for (; i < size; ++i) {
            const char c = text_[i];
            if (in_quotes) {
                if (c == '"') {
                    if (i + 1 < size && text_[i + 1] == '"') {
                        field += '"';
                        ++i;
                    } else {
                        in_quotes = false;
                        after_quote = true;
                    }
                    continue;
                }
                if (c == '\n' || (c == '\r' && !(i + 1 < size && text_[i + 1] == '\n'))) ++extra_lines;
                field += c;
                continue;
            }
            if (c == ',') {
                out.fields.push_back(std::move(field));
                field.clear();
                field_start = true;
                after_quote = false;
                continue;
            }
            if (c == '\n' || c == '\r') break;
            if (c == '"' && field_start) {
                in_quotes = true;
                any_quote = true;
                field_start = false;
                continue;
            }
            // Text after a closing quote, or a quote inside an unquoted field.
            if (after_quote || c == '"') out.well_formed = false;
            field_start = false;
            field += c;
        }
        if (in_quotes) {
            // Unterminated quote: give up on this record's first line only.
            out.fields.clear();
            out.well_formed = false;
            const std::size_t nl = text_.find_first_of("\r\n", start);
            pos_ = nl == std::string_view::npos ? size : nl;
            skip_line_end();
            return true;
        }
        out.fields.push_back(std::move(field));
        pos_ = i;
        line_ += extra_lines;
        skip_line_end();
        if (out.fields.size() == 1 && !any_quote && out.fields[0].find_first_not_of(" \t") == std::string::npos)
            continue;  // blank line
        return true;
    }
    return false;
}

}  // namespace usage::plugins::cursor
