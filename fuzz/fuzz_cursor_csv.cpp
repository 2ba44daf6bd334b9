// Feeds a Cursor dashboard usage export (CSV) to the RFC 4180 reader on its
// own, then to import_cursor_csv through a file, as `usage-agent import
// cursor-csv FILE` reads it. The file comes from a browser download the user
// may have opened and re-saved in any spreadsheet program.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "csv_reader.hpp"
#include "cursor_csv_import.hpp"
#include "fuzz_input.hpp"

namespace cursor = usage::plugins::cursor;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fuzz::TempDir dir;
    const std::string_view text = fuzz::as_text(data, size);
    cursor::CsvReader reader(text);
    cursor::CsvRecord record;
    std::size_t last_line = 0;
    while (reader.next(record)) {
        // Records come in file order, each at least a line after the last.
        if (record.line <= last_line) __builtin_trap();
        last_line = record.line;
    }
    const auto file = dir.write("usage-events.csv", text);
    try {
        (void)cursor::import_cursor_csv(file);
    } catch (const std::runtime_error&) {
        // By design: no header, or a required column is missing.
    }
    return 0;
}
