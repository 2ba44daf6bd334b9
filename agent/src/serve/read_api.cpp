#include "read_api.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <map>
#include <stdexcept>

#include "../report_json.hpp"
#include "../report_limits.hpp"
#include "limits.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/analytics/insights.hpp"
#include "usage/analytics/limits.hpp"
#include "usage/os/wall_clock.hpp"

namespace agent::serve {
namespace {

using usage::GroupBy;

struct Endpoint {
    std::string_view path;
    GroupBy group;           ///< the `report` view it answers like
    bool paged = false;      ///< a default page size (sessions can be many)
    bool bucketed = false;   ///< `bucket` chooses the grouping
    bool insights = false;   ///< find_insights rather than a report
    bool breakdown = false;  ///< cost by model, project and user in one answer
    bool limits = false;     ///< the plans' windows (report_limits.hpp), not a report
};

constexpr Endpoint kEndpoints[] = {
    {"/api/v1/summary", GroupBy::source},
    {"/api/v1/timeseries", GroupBy::day, false, true},
    {"/api/v1/by-source", GroupBy::source},
    {"/api/v1/by-model", GroupBy::model},
    {"/api/v1/by-project", GroupBy::project},
    {"/api/v1/by-machine", GroupBy::machine},
    {"/api/v1/by-user", GroupBy::user},
    {"/api/v1/by-repository", GroupBy::repository},
    {"/api/v1/sessions", GroupBy::session, true},
    {"/api/v1/insights", GroupBy::none, false, false, true},
    {"/api/v1/cost-breakdown", GroupBy::none, false, false, false, true},
    {"/api/v1/limits", GroupBy::none, false, false, false, false, true},
};

constexpr std::string_view kCommonParams[] = {"range",   "since", "until",      "tz",    "source", "model", "project",
                                              "machine", "user",  "repository", "limit", "offset", "full"};

const Endpoint* find_endpoint(std::string_view path) {
    for (const auto& e : kEndpoints)
        if (e.path == path) return &e;
    return nullptr;
}

/// A parameter the caller got wrong: 400 with this reason.
struct BadParameter : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
/// A member asking for someone else's events: 403.
struct NotAllowed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Every parameter once, and only those the endpoint knows: a typo is an
// error rather than a silently unfiltered answer.
std::map<std::string, std::string> read_params(const Target& target, bool timeseries) {
    std::map<std::string, std::string> out;
    for (const auto& [name, value] : target.params) {
        const bool known =
            std::find(std::begin(kCommonParams), std::end(kCommonParams), name) != std::end(kCommonParams) ||
            (timeseries && name == "bucket");
        if (!known) throw BadParameter("unknown parameter '" + name + "'");
        if (!out.emplace(name, value).second) throw BadParameter("parameter '" + name + "' given more than once");
    }
    return out;
}

std::string get(const std::map<std::string, std::string>& params, const std::string& name) {
    auto it = params.find(name);
    return it == params.end() ? std::string{} : it->second;
}

std::int64_t integer(const std::map<std::string, std::string>& params, const std::string& name, std::int64_t min,
                     std::int64_t max, std::int64_t fallback) {
    auto it = params.find(name);
    if (it == params.end()) return fallback;
    const std::string& text = it->second;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
        throw BadParameter("'" + name + "' must be an integer from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got '" + text + "'");
    return value;
}

bool boolean(const std::map<std::string, std::string>& params, const std::string& name) {
    auto it = params.find(name);
    if (it == params.end()) return false;
    if (it->second.empty() || it->second == "true" || it->second == "1") return true;
    if (it->second == "false" || it->second == "0") return false;
    throw BadParameter("'" + name + "' must be true or false, got '" + it->second + "'");
}

GroupBy bucket(const std::map<std::string, std::string>& params) {
    const std::string b = get(params, "bucket");
    if (b.empty() || b == "day") return GroupBy::day;
    if (b == "hour") return GroupBy::hour;
    if (b == "week") return GroupBy::week;
    if (b == "month") return GroupBy::month;
    throw BadParameter("'bucket' must be hour, day, week or month, got '" + b + "'");
}

// The range resolver speaks in CLI option names (`--since`); here they are parameters.
std::string parameter_wording(std::string reason) {
    for (std::string::size_type at; (at = reason.find("--")) != std::string::npos;) reason.erase(at, 2);
    return reason;
}

struct ParsedQuery {
    usage::Query query;
    bool full = false;
    bool limited = false;
};

ParsedQuery build_query(const Endpoint& endpoint, const Target& target,
                        const std::optional<std::string>& confined_user) {
    const auto params = read_params(target, endpoint.bucketed);
    ParsedQuery p;
    usage::Query& q = p.query;
    q.group = endpoint.bucketed ? bucket(params) : endpoint.group;
    q.tz = params.contains("tz") ? get(params, "tz") : "UTC";
    const std::string range = get(params, "range");
    const std::string since = get(params, "since");
    const std::string until = get(params, "until");
    if (!range.empty() && (!since.empty() || !until.empty()))
        throw BadParameter("use either 'range' or 'since'/'until'");
    try {
        usage::validate_time_zone(q.tz);
        q.range = usage::resolve_range(range.empty() ? "all" : range, since, until, q.tz, usage::unix_now_ms());
    } catch (const std::invalid_argument& e) {
        throw BadParameter(parameter_wording(e.what()));
    }
    q.filters = {get(params, "source"),  get(params, "model"), get(params, "project"),
                 get(params, "machine"), get(params, "user"),  get(params, "repository")};
    if (confined_user) {
        if (!q.filters.user.empty() && q.filters.user != *confined_user)
            throw NotAllowed("a member token reads only its own user's usage ('" + *confined_user + "')");
        q.filters.user = *confined_user;
    }
    q.limit = integer(params, "limit", 1, kMaxLimit, endpoint.paged ? kDefaultSessionsLimit : 0);
    q.offset = integer(params, "offset", 0, std::numeric_limits<std::int64_t>::max() / 2, 0);
    p.limited = q.limit > 0;
    p.full = boolean(params, "full");
    return p;
}

nlohmann::json paging_json(const ParsedQuery& p, const usage::Report& report) {
    const std::int64_t offset = std::min(p.query.offset, report.row_count);
    const std::int64_t next = offset + static_cast<std::int64_t>(report.rows.size());
    return {{"limit", p.limited ? nlohmann::json(p.query.limit) : nlohmann::json(nullptr)},
            {"offset", p.query.offset},
            {"total", report.row_count},
            {"next_offset", next < report.row_count ? nlohmann::json(next) : nlohmann::json(nullptr)}};
}

nlohmann::json insights_json(const usage::Store& store, const usage::Query& q) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& i : usage::find_insights(store, q, usage::unix_now_ms()))
        list.push_back({{"kind", i.kind},
                        {"subject", i.subject},
                        {"message", i.message},
                        {"value", i.value},
                        {"baseline", i.baseline}});
    return {{"range",
             {{"since", q.range.since_ms ? nlohmann::json(usage::format_utc_ms(*q.range.since_ms)) : nlohmann::json()},
              {"until", q.range.until_ms ? nlohmann::json(usage::format_utc_ms(*q.range.until_ms)) : nlohmann::json()},
              {"tz", q.tz}}},
            {"insights", std::move(list)}};
}

// Three reports in one answer: the totals once, and the rows by model, by
// project and by user (each paged by limit and offset alike).
nlohmann::json breakdown_json(const usage::Store& store, usage::Query q) {
    nlohmann::json out;
    const std::pair<GroupBy, const char*> parts[] = {
        {GroupBy::model, "by_model"}, {GroupBy::project, "by_project"}, {GroupBy::user, "by_user"}};
    for (const auto& [group, name] : parts) {
        q.group = group;
        nlohmann::json report = report_json(usage::run_query(store, q), false, store.prices_if_set());
        if (out.empty()) {
            out["range"] = report["range"];
            out["totals"] = report["totals"];
        }
        out[name] = std::move(report["rows"]);
    }
    return out;
}

// The windows are the plan's state now: only `source` (and, for a member,
// its own user's cost) narrow them; a range or grouping has no meaning here.
nlohmann::json limits_answer(const Target& target, const usage::Store& store,
                             const std::optional<std::string>& confined_user) {
    std::map<std::string, std::string> params;
    for (const auto& [name, value] : target.params) {
        if (name != "source" && name != "user") throw BadParameter("unknown parameter '" + name + "'");
        if (!params.emplace(name, value).second) throw BadParameter("parameter '" + name + "' given more than once");
    }
    std::string user = get(params, "user");
    if (confined_user) {
        if (!user.empty() && user != *confined_user)
            throw NotAllowed("a member token reads only its own user's usage ('" + *confined_user + "')");
        user = *confined_user;
    }
    const std::int64_t now = usage::unix_now_ms();
    return limits_json(usage::limit_views(store, now, get(params, "source"), user), now);
}

}  // namespace

bool is_read_path(std::string_view path) {
    return find_endpoint(path) != nullptr;
}

Response handle_read(const Request& req, const Target& target, const usage::Store& store,
                     const std::optional<std::string>& confined_user) {
    const Endpoint* endpoint = find_endpoint(target.path);
    if (!endpoint) return error_response(req, http::status::not_found, "no such path '" + target.path + "'");
    ParsedQuery p;
    try {
        if (endpoint->limits) return json_response(req, http::status::ok, limits_answer(target, store, confined_user));
        p = build_query(*endpoint, target, confined_user);
    } catch (const BadParameter& e) {
        return error_response(req, http::status::bad_request, e.what());
    } catch (const NotAllowed& e) {
        return error_response(req, http::status::forbidden, e.what());
    }
    if (endpoint->insights) return json_response(req, http::status::ok, insights_json(store, p.query));
    if (endpoint->breakdown) return json_response(req, http::status::ok, breakdown_json(store, p.query));
    const usage::Report report = usage::run_query(store, p.query, p.full);
    nlohmann::json body = report_json(report, p.full, store.prices_if_set());
    body["paging"] = paging_json(p, report);
    return json_response(req, http::status::ok, body);
}

}  // namespace agent::serve
