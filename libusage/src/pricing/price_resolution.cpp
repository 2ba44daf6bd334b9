// Model id normalisation for price lookup.
//
// Tools write model ids in many wrappers: provider prefixes (`anthropic/`,
// `openrouter/anthropic/`), Bedrock ids (`us.anthropic.<model>-v1:0`),
// Vertex ids (`<model>@20250929`) and date suffixes. We peel those wrappers
// one documented step at a time and never match by substring: fuzzy matching
// attached wrong prices in every tool that tried it.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "usage/pricing/pricing.hpp"

namespace usage {
namespace {

void add(std::vector<std::string>& out, std::string id) {
    if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `name-20250929` -> `name`; `gpt-4o-2024-08-06` -> `gpt-4o`.
std::string strip_date_suffix(const std::string& id) {
    if (id.size() > 9 && id[id.size() - 9] == '-' && all_digits(std::string_view(id).substr(id.size() - 8)))
        return id.substr(0, id.size() - 9);
    if (id.size() > 11) {
        std::string_view tail = std::string_view(id).substr(id.size() - 11);
        if (tail[0] == '-' && all_digits(tail.substr(1, 4)) && tail[5] == '-' && all_digits(tail.substr(6, 2)) &&
            tail[8] == '-' && all_digits(tail.substr(9, 2)))
            return id.substr(0, id.size() - 11);
    }
    return id;
}

// Bedrock: `[region.]anthropic.<model>-v1:0` -> `anthropic.<model>-v1:0`, `<model>`.
void add_bedrock_forms(std::vector<std::string>& out, const std::string& id) {
    static constexpr std::array<std::string_view, 8> regions = {"us.", "eu.", "apac.",   "jp.",
                                                                "au.", "ca.", "global.", "us-gov."};
    std::string rest = id;
    for (auto r : regions) {
        if (rest.starts_with(r)) {
            rest = rest.substr(r.size());
            break;
        }
    }
    if (!rest.starts_with("anthropic.")) return;
    add(out, rest);
    std::string model = rest.substr(std::string_view("anthropic.").size());
    if (auto v = model.rfind("-v"); v != std::string::npos && model.find(':', v) != std::string::npos)
        model = model.substr(0, v);
    add(out, model);
}

// `claude-sonnet-4.5` -> `claude-sonnet-4-5`: a dot between two digits.
std::string dashed_versions(std::string id) {
    for (std::size_t i = 1; i + 1 < id.size(); ++i)
        if (id[i] == '.' && std::isdigit(static_cast<unsigned char>(id[i - 1])) &&
            std::isdigit(static_cast<unsigned char>(id[i + 1])))
            id[i] = '-';
    return id;
}

}  // namespace

std::vector<std::string> normalised_model_ids(std::string_view model) {
    std::vector<std::string> out;
    std::string id(model);
    add(out, id);
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
    add(out, id);
    // Provider routing prefixes: keep only the last path segment.
    if (auto slash = id.rfind('/'); slash != std::string::npos) {
        id = id.substr(slash + 1);
        add(out, id);
    }
    add_bedrock_forms(out, id);
    // Vertex: `<model>@<date>` -> `<model>-<date>`.
    if (auto at = id.find('@'); at != std::string::npos) {
        std::string dated = id.substr(0, at) + "-" + id.substr(at + 1);
        add(out, dated);
        add(out, id.substr(0, at));
    }
    // Date suffixes, applied to every form found so far.
    std::size_t n = out.size();
    for (std::size_t i = 0; i < n; ++i) add(out, strip_date_suffix(out[i]));
    // Claude versions written with a dot (`claude-sonnet-4.5`: GitHub
    // Copilot's and OpenRouter's spelling, which OpenCode, Kilo and the VS
    // Code agents pass on): Anthropic's ids use a dash.
    n = out.size();
    for (std::size_t i = 0; i < n; ++i)
        if (out[i].starts_with("claude-")) add(out, dashed_versions(out[i]));
    return out;
}

}  // namespace usage
