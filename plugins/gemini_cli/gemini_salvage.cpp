#include "gemini_salvage.hpp"

namespace usage::plugins::gemini {

SalvageMap map_salvageable(std::string_view doc) {
    SalvageMap map;
    int depth = 0;                      // 1 = inside the root object
    std::size_t string_begin = 0;       // first byte of the current string's content
    std::string_view last_root_string;  // the last string closed at depth 1 (a key, when ':' follows)
    std::string_view key;               // the root key whose value comes next
    std::size_t element_begin = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const char c = doc[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // the escaped byte cannot end the string
            } else if (c == '"') {
                in_string = false;
                if (depth == 1) last_root_string = doc.substr(string_begin, i - string_begin);
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                string_begin = i + 1;
                break;
            case ':':
                if (depth == 1) key = last_root_string;
                break;
            case ',':
                if (depth == 1) key = {};
                break;
            case '{':
            case '[':
                if (depth == 1 && c == '[' && key == "messages") map.messages_open = i;
                if (depth == 2 && map.messages_open != std::string_view::npos && c == '{') element_begin = i;
                ++depth;
                break;
            case '}':
            case ']':
                --depth;
                if (depth == 2 && c == '}' && map.messages_open != std::string_view::npos && element_begin != 0)
                    map.messages.emplace_back(element_begin, i + 1), element_begin = 0;
                if (depth == 1 && map.messages_open != std::string_view::npos) return map;  // array closed
                if (depth <= 0) return map;
                break;
            default: break;
        }
    }
    return map;
}

}  // namespace usage::plugins::gemini
