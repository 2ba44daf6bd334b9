// A small RFC 4180 reader for exported CSV files: quoted fields with
// doubled quotes, separators and line breaks inside quotes, CRLF / LF / CR
// line ends, a leading UTF-8 byte order mark.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace usage::plugins::cursor {

struct CsvRecord {
    std::vector<std::string> fields;
    std::size_t line = 0;     ///< 1-based line where the record starts
    bool well_formed = true;  ///< false: bad quoting (text after a closing quote, unterminated quote)
};

class CsvReader {
public:
    /// `text` must outlive the reader. A UTF-8 BOM at its start is skipped.
    explicit CsvReader(std::string_view text);

    /// The next non-blank record, or false at the end. A record whose quote is
    /// never closed is returned as one malformed record holding its first
    /// line only; reading goes on at the next line, so one stray quote cannot
    /// swallow the rest of the file.
    bool next(CsvRecord& out);

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;

    void skip_line_end();
};

}  // namespace usage::plugins::cursor
