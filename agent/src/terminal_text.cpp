#include "terminal_text.hpp"

#include <cstdio>
#include <set>

namespace agent {
namespace {

// One character as printed: its bytes (or its escape) and its columns. A
// combining mark joins the unit before it, so a cut never strands it.
struct Unit {
    std::string text;
    std::size_t width = 0;
};

struct Decoded {
    char32_t cp = 0;
    std::size_t length = 0;  ///< 0: the byte at the start is not valid UTF-8
};

bool continuation(unsigned char b) {
    return (b & 0xC0) == 0x80;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF, so the bytes printed are always valid UTF-8.
Decoded decode(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) return {b0, 1};
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    char32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return {};
    }
    if (i + n > s.size()) return {};
    if (byte(i + 1) < lo || byte(i + 1) > hi) return {};
    for (std::size_t k = 1; k < n; ++k) {
        if (!continuation(byte(i + k))) return {};
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    return {cp, n};
}

// Format characters that reorder or break what follows them on screen.
bool layout_control(char32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string hex_escape(const char* format, unsigned value) {
    char buf[16];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

// The escape of a code point a terminal would act on, or "" for printable ones.
std::string escape_of(char32_t cp) {
    switch (cp) {
        case 0x1B: return "\\e";
        case '\n': return "\\n";
        case '\t': return "\\t";
        case '\r': return "\\r";
        default: break;
    }
    if (cp < 0x20 || cp == 0x7F) return hex_escape("\\x%02x", static_cast<unsigned>(cp));
    if ((cp >= 0x80 && cp <= 0x9F) || layout_control(cp)) return hex_escape("\\u%04x", static_cast<unsigned>(cp));
    return {};
}

std::vector<Unit> units_of(std::string_view raw) {
    std::vector<Unit> units;
    for (std::size_t i = 0; i < raw.size();) {
        const Decoded d = decode(raw, i);
        if (d.length == 0) {
            const std::string e = hex_escape("\\x%02x", static_cast<unsigned char>(raw[i]));
            units.push_back({e, e.size()});
            ++i;
            continue;
        }
        const std::string_view bytes = raw.substr(i, d.length);
        i += d.length;
        if (std::string e = escape_of(d.cp); !e.empty()) {
            units.push_back({e, e.size()});
            continue;
        }
        const int w = char_width(d.cp);
        if (w == 0 && !units.empty())
            units.back().text += bytes;
        else
            units.push_back({std::string(bytes), static_cast<std::size_t>(w)});
    }
    return units;
}

std::size_t width_of(const std::vector<Unit>& units) {
    std::size_t w = 0;
    for (const auto& u : units) w += u.width;
    return w;
}

std::string joined(const std::vector<Unit>& units) {
    std::string out;
    for (const auto& u : units) out += u.text;
    return out;
}

const std::string kEllipsis = "\u2026";  // one column

// The longest run of whole units from the front (or back) within `budget` columns.
std::string take_front(const std::vector<Unit>& units, std::size_t budget) {
    std::string out;
    std::size_t used = 0;
    for (const auto& u : units) {
        if (used + u.width > budget) break;
        used += u.width;
        out += u.text;
    }
    return out;
}

std::string take_back(const std::vector<Unit>& units, std::size_t budget) {
    std::size_t used = 0, first = units.size();
    while (first > 0 && used + units[first - 1].width <= budget) used += units[--first].width;
    std::string out;
    for (std::size_t k = first; k < units.size(); ++k) out += units[k].text;
    return out;
}

std::string cut_middle(const std::vector<Unit>& units, std::size_t width, std::size_t tail) {
    if (width_of(units) <= width) return joined(units);
    if (width == 0) return {};
    if (tail > width - 1) tail = width - 1;
    return take_front(units, width - 1 - tail) + kEllipsis + take_back(units, tail);
}

}  // namespace

std::string escape_terminal_text(std::string_view raw) {
    return joined(units_of(raw));
}

std::size_t display_width(std::string_view text) {
    return width_of(units_of(text));
}

std::string fit_end(std::string_view raw, std::size_t width) {
    return cut_middle(units_of(raw), width, 0);
}

std::string fit_middle(std::string_view raw, std::size_t width, std::size_t tail) {
    return cut_middle(units_of(raw), width, tail);
}

std::vector<std::string> fit_distinct(const std::vector<std::string>& raws, std::size_t width) {
    if (width == 0) return std::vector<std::string>(raws.size());
    std::vector<std::vector<Unit>> units;
    for (const auto& r : raws) units.push_back(units_of(r));
    const std::size_t distinct = std::set<std::string>(raws.begin(), raws.end()).size();
    // Half the columns for the tail first (the end of a model id, its version
    // and date, usually tells it apart; the start names its family), then the
    // splits next to it, alternating longer and shorter tails.
    const std::size_t preferred = width / 2;
    std::vector<std::size_t> tails;
    for (std::size_t d = 0; d < width; ++d) {
        if (preferred + d <= width - 1) tails.push_back(preferred + d);
        if (d > 0 && d <= preferred) tails.push_back(preferred - d);
    }
    std::vector<std::string> first;
    for (const std::size_t tail : tails) {
        std::vector<std::string> fitted;
        for (const auto& u : units) fitted.push_back(cut_middle(u, width, tail));
        if (std::set<std::string>(fitted.begin(), fitted.end()).size() == distinct) return fitted;
        if (first.empty()) first = std::move(fitted);
    }
    return first;
}

std::string pad_right(std::string_view text, std::size_t width) {
    const std::size_t w = display_width(text);
    return std::string(text) + std::string(w < width ? width - w : 0, ' ');
}

std::string pad_left(std::string_view text, std::size_t width) {
    const std::size_t w = display_width(text);
    return std::string(w < width ? width - w : 0, ' ') + std::string(text);
}

}  // namespace agent
