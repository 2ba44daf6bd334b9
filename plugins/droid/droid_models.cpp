#include "droid_models.hpp"

#include <algorithm>
#include <cctype>

namespace usage::plugins::droid {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::string pricing_model_of(std::string_view name) {
    if (!name.starts_with("custom:")) return {};
    name.remove_prefix(7);
    // 2. The index Droid appends to a custom model's name.
    if (const auto close = name.rfind(']'); close != std::string_view::npos) {
        const std::string_view tail = name.substr(close + 1);
        if (tail.size() > 1 && tail[0] == '-' && all_digits(tail.substr(1))) name = name.substr(0, close + 1);
    }
    std::string out;
    out.reserve(name.size());
    int depth = 0;
    for (const char c : name) {
        if (c == '[') {
            ++depth;
            continue;
        }
        if (c == ']') {
            depth = std::max(0, depth - 1);
            continue;
        }
        if (depth > 0) continue;
        // 3. Blanks to dashes, no repeats.
        const char d = std::isspace(static_cast<unsigned char>(c)) ? '-' : c;
        if (d == '-' && (out.empty() || out.back() == '-')) continue;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(d))));
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    // 5. Claude's ids write versions with dashes.
    if (out.starts_with("claude-")) std::replace(out.begin(), out.end(), '.', '-');
    // 6. Extended thinking bills the same per-token price.
    if (out.ends_with("-thinking")) out.resize(out.size() - 9);
    return out;
}

std::string bracket_provider(std::string_view name) {
    if (!name.starts_with("custom:")) return {};
    const auto open = name.find('[');
    const auto close = name.find(']', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos || close <= open + 1) return {};
    std::string out(name.substr(open + 1, close - open - 1));
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace usage::plugins::droid
