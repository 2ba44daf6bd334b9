// Text that comes from outside (transcripts, config, file names, an endpoint's
// answer) printed to a terminal: escaped so it can never drive the terminal,
// measured in display columns and cut only between characters. Every table
// and status line goes through here; JSON and CSV keep the raw bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

/// `raw` with everything a terminal would act on made visible: ESC as `\e`,
/// newline `\n`, tab `\t`, CR `\r`, other C0 controls and DEL as `\xNN`, C1
/// controls, bidi overrides and line/paragraph separators as `\uNNNN`, and
/// each byte of invalid UTF-8 as `\xNN`. Everything else is kept as is.
std::string escape_terminal_text(std::string_view raw);

/// Columns a terminal gives `text` once escaped (East Asian wide = 2,
/// combining = 0, an escape as many as its characters).
std::size_t display_width(std::string_view text);

/// `raw` escaped and, when wider than `width` columns, cut at a character
/// boundary (never inside an escape or a UTF-8 sequence) with `…` at the end.
std::string fit_end(std::string_view raw, std::size_t width);

/// Like fit_end but cut in the middle: the first columns, `…`, and the last
/// `tail` columns (for names whose end tells them apart, such as model ids).
std::string fit_middle(std::string_view raw, std::size_t width, std::size_t tail);

/// Every name of `raws` fitted to `width` by fit_middle with one split chosen
/// so that different names stay different when some split allows it.
std::vector<std::string> fit_distinct(const std::vector<std::string>& raws, std::size_t width);

/// `text` (escaped) padded with spaces to `width` columns: left-aligned
/// (pad_right) or right-aligned (pad_left). Wider text is returned as is.
std::string pad_right(std::string_view text, std::size_t width);
std::string pad_left(std::string_view text, std::size_t width);

/// Columns of one code point (0, 1 or 2): char_width_table.cpp.
int char_width(char32_t cp);

}  // namespace agent
