#include "statusline/statusline_input.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace agent {
namespace {

using nlohmann::json;

const json* member(const json& j, const char* name) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(name);
    return it == j.end() ? nullptr : &*it;
}

std::string text(const json& j, const char* name) {
    const json* v = member(j, name);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<double> number(const json* j) {
    if (!j || !j->is_number()) return std::nullopt;
    const double v = j->get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

const json& object_or_null(const json& j, const char* name) {
    static const json null;
    const json* v = member(j, name);
    return v ? *v : null;
}

// A session's cost above this is not a cost: a unit mix-up or a broken
// client. Beyond it the micro-dollars would also leave exact doubles.
constexpr double kMaxSessionUsd = 1e6;

}  // namespace

StatuslineInput parse_statusline_input(std::string_view raw) {
    json j = json::parse(raw.begin(), raw.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("the statusline input is not a JSON object");
    StatuslineInput in;
    in.session_id = text(j, "session_id");
    in.transcript_path = text(j, "transcript_path");
    in.cwd = text(j, "cwd");
    if (in.cwd.empty()) in.cwd = text(object_or_null(j, "workspace"), "current_dir");
    const json& model = object_or_null(j, "model");
    in.model_id = text(model, "id");
    in.model_name = text(model, "display_name");
    in.version = text(j, "version");
    if (auto usd = number(member(object_or_null(j, "cost"), "total_cost_usd"));
        usd && *usd >= 0 && *usd < kMaxSessionUsd)
        in.cost_micros = std::llround(*usd * 1e6);
    return in;
}

}  // namespace agent
