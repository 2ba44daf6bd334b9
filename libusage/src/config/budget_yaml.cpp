// Reading and writing the `budgets` entries. Each entry is checked whole
// here, at load time, so `run` and `serve` never meet a budget they cannot
// evaluate or an alert they cannot address.
#include "budget_yaml.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "usage/analytics/analytics.hpp"

namespace usage {
namespace {

const std::set<std::string> kEntryKeys = {"name",       "period", "time_zone", "limit_usd",
                                          "thresholds", "filter", "per",       "notify"};
const std::set<std::string> kFilterKeys = {"source", "model", "project", "repository", "machine", "user"};
const std::set<std::string> kNotifierKeys = {"webhook", "desktop", "command"};

std::string indexed(const std::string& key, std::size_t i) {
    std::string out = key;
    out += '[';
    out += std::to_string(i);
    out += ']';
    return out;
}

template <typename E>
E choice(const Validator& v, const YAML::Node& node, const std::string& key,
         const std::vector<std::pair<std::string, E>>& allowed, const std::string& phrase) {
    const auto text = v.scalar<std::string>(node, key, phrase);
    for (const auto& [name, value] : allowed)
        if (text == name) return value;
    v.fail(node, "'" + key + "' must be " + phrase + ", got '" + text + "'");
}

std::vector<int> read_thresholds(const Validator& v, const YAML::Node& node, const std::string& key) {
    const std::string phrase = "a list of percentages from 1 to 1000, e.g. [50, 80, 100]";
    if (!node.IsSequence() || node.size() == 0) v.fail(node, "'" + key + "' must be " + phrase);
    std::vector<int> out;
    for (const auto& item : node) {
        const int pct = v.scalar<int>(item, key, phrase);
        if (pct < 1 || pct > 1000) v.fail(item, "'" + key + "' must be " + phrase + ", got " + item.Scalar());
        if (std::find(out.begin(), out.end(), pct) != out.end())
            v.fail(item, "'" + key + "' lists " + item.Scalar() + " twice");
        out.push_back(pct);
    }
    std::sort(out.begin(), out.end());
    return out;
}

BudgetFilter read_filter(const Validator& v, const YAML::Node& node, const std::string& key) {
    v.only_keys(node, key, kFilterKeys);
    BudgetFilter f;
    const auto field = [&](const char* name, std::string& into) {
        if (const auto value = node[name]) into = v.scalar<std::string>(value, key + "." + name, "a string");
    };
    field("source", f.source);
    field("model", f.model);
    field("project", f.project);
    field("repository", f.repository);
    field("machine", f.machine);
    field("user", f.user);
    return f;
}

std::vector<BudgetNotifier> read_notify(const Validator& v, const YAML::Node& node, const std::string& key) {
    if (!node.IsSequence())
        v.fail(node, "'" + key + "' must be a list of {webhook: URL}, {desktop: true} or {command: [PROGRAM, ARG...]}");
    std::vector<BudgetNotifier> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        const std::string where = indexed(key, i);
        v.only_keys(item, where, kNotifierKeys);
        if (item.size() != 1) v.fail(item, "'" + where + "' must have exactly one of webhook, desktop or command");
        BudgetNotifier n;
        if (const auto url = item["webhook"]) {
            n.kind = BudgetNotifier::Kind::webhook;
            n.url = v.scalar<std::string>(url, where + ".webhook", "a URL");
            if (!is_http_url(n.url))
                v.fail(url, "'" + where + ".webhook' must be an http:// or https:// URL, got '" + n.url + "'");
        } else if (const auto desktop = item["desktop"]) {
            if (!v.scalar<bool>(desktop, where + ".desktop", "true or false")) continue;  // `desktop: false`: none
            n.kind = BudgetNotifier::Kind::desktop;
        } else {
            const auto command = item["command"];
            n.kind = BudgetNotifier::Kind::command;
            const std::string phrase = "a list: the program, then its arguments (run without a shell)";
            if (!command.IsSequence() || command.size() == 0)
                v.fail(command, "'" + where + ".command' must be " + phrase);
            for (const auto& arg : command) n.argv.push_back(v.scalar<std::string>(arg, where + ".command", phrase));
            if (n.argv.front().empty()) v.fail(command, "'" + where + ".command' names no program");
        }
        out.push_back(std::move(n));
    }
    return out;
}

BudgetConfig read_entry(const Validator& v, const YAML::Node& node, const std::string& where) {
    v.only_keys(node, where, kEntryKeys);
    BudgetConfig b;
    const auto required = [&](const char* name) {
        const auto value = node[name];
        if (!value) v.fail(node, "'" + where + "' needs '" + name + "'");
        return value;
    };
    b.name = v.scalar<std::string>(required("name"), where + ".name", "a name");
    if (b.name.empty() || std::any_of(b.name.begin(), b.name.end(), [](unsigned char c) { return c < 0x20; }))
        v.fail(node["name"], "'" + where + ".name' must be a non-empty name on one line");
    b.period =
        choice<BudgetPeriod>(v, required("period"), where + ".period",
                             {{"day", BudgetPeriod::day}, {"week", BudgetPeriod::week}, {"month", BudgetPeriod::month}},
                             "day, week or month");
    if (const auto tz = node["time_zone"]) {
        b.time_zone = v.scalar<std::string>(tz, where + ".time_zone", "an IANA time zone");
        try {
            validate_time_zone(b.time_zone);
        } catch (const std::invalid_argument& e) {
            v.fail(tz, "'" + where + ".time_zone': " + e.what());
        }
    }
    const auto limit = required("limit_usd");
    b.limit_usd = v.scalar<double>(limit, where + ".limit_usd", "a number of US dollars above 0");
    // NaN and infinities (`.nan`, `.inf`) are numbers to YAML, not limits.
    if (!std::isfinite(b.limit_usd) || b.limit_usd <= 0 || b.limit_usd > 1e9)
        v.fail(limit,
               "'" + where + ".limit_usd' must be a number of US dollars above 0 (at most 1e9), got " + limit.Scalar());
    if (const auto t = node["thresholds"]) b.thresholds = read_thresholds(v, t, where + ".thresholds");
    if (const auto f = node["filter"]) b.filter = read_filter(v, f, where + ".filter");
    if (const auto per = node["per"])
        b.per = choice<BudgetScope>(
            v, per, where + ".per",
            {{"all", BudgetScope::all}, {"user", BudgetScope::user}, {"project", BudgetScope::project}},
            "all, user or project");
    if (const auto n = node["notify"]) b.notify = read_notify(v, n, where + ".notify");
    return b;
}

}  // namespace

std::vector<BudgetConfig> read_budgets(const Validator& v, const YAML::Node& node, const std::string& key) {
    if (node.IsNull()) return {};
    if (!node.IsSequence()) v.fail(node, "'" + key + "' must be a list of budgets (`- name: ...` entries)");
    std::vector<BudgetConfig> out;
    std::set<std::string> names;
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto b = read_entry(v, node[i], indexed(key, i));
        // The name keys the alerts already sent: two entries sharing it would
        // silence each other.
        if (!names.insert(b.name).second)
            v.fail(node[i]["name"], "'" + indexed(key, i) + ".name' repeats the budget name '" + b.name + "'");
        out.push_back(std::move(b));
    }
    return out;
}

void emit_budgets(YAML::Emitter& out, const std::vector<BudgetConfig>& budgets, bool flow) {
    if (flow) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const auto& b : budgets) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << b.name;
        out << YAML::Key << "period" << YAML::Value << budget_period_name(b.period);
        if (!b.time_zone.empty()) out << YAML::Key << "time_zone" << YAML::Value << b.time_zone;
        out << YAML::Key << "limit_usd" << YAML::Value << b.limit_usd;
        out << YAML::Key << "thresholds" << YAML::Value << YAML::Flow << b.thresholds;
        const BudgetFilter& f = b.filter;
        const std::vector<std::pair<const char*, const std::string*>> fields = {
            {"source", &f.source},         {"model", &f.model},     {"project", &f.project},
            {"repository", &f.repository}, {"machine", &f.machine}, {"user", &f.user}};
        if (std::any_of(fields.begin(), fields.end(), [](const auto& kv) { return !kv.second->empty(); })) {
            out << YAML::Key << "filter" << YAML::Value << YAML::Flow << YAML::BeginMap;
            for (const auto& [name, value] : fields)
                if (!value->empty()) out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted << *value;
            out << YAML::EndMap;
        }
        out << YAML::Key << "per" << YAML::Value << budget_scope_name(b.per);
        out << YAML::Key << "notify" << YAML::Value;
        if (b.notify.empty()) out << YAML::Flow;  // `[]`, not a block list of nothing
        out << YAML::BeginSeq;
        for (const auto& n : b.notify) {
            out << YAML::Flow << YAML::BeginMap;
            switch (n.kind) {
                case BudgetNotifier::Kind::webhook: out << YAML::Key << "webhook" << YAML::Value << n.url; break;
                case BudgetNotifier::Kind::desktop: out << YAML::Key << "desktop" << YAML::Value << true; break;
                case BudgetNotifier::Kind::command:
                    out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq;
                    for (const auto& arg : n.argv) out << YAML::DoubleQuoted << arg;
                    out << YAML::EndSeq;
                    break;
            }
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

}  // namespace usage
