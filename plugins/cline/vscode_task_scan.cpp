#include "vscode_task_scan.hpp"

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "vscode_task_context.hpp"
#include "vscode_task_messages.hpp"
#include "vscode_task_models.hpp"
#include "vscode_task_state.hpp"
#include "vscode_task_text.hpp"

namespace usage::plugins::vscode_tasks {

namespace {

// A record that becomes an event, with its figures before any deduction.
struct Counted {
    const UsageRecord* record = nullptr;
    std::string key;
    CountedUsage usage;
    ModelAt model;
    bool model_guessed = false;
    bool aggregate = false;  ///< a sum of calls (deleted_api_reqs, subagent_usage)
    bool has_cost = false;
};

// A call cancelled before any usage arrived is written with zeros: no call
// to count.
bool carries_usage(const UsageRecord& r) {
    if (!r.has_usage) return false;  // in flight
    return r.tokens_in != 0 || r.tokens_out != 0 || r.cache_reads != 0 || r.cache_writes != 0 ||
           (r.cost && *r.cost > 0);
}

// Old versions wrote the usage into an `api_req_finished` after the
// `api_req_started`: the started half of such a pair is not a call of its own.
bool is_started_half(const std::vector<UsageRecord>& records, std::size_t i) {
    return records[i].kind == RecordKind::request && i + 1 < records.size() &&
           records[i + 1].kind == RecordKind::legacy_finished;
}

// The model in the documented order: the record's modelInfo, then the task's
// companion files, then the `<model>` tag of the record's own request text.
ModelAt record_model(const UsageRecord& r, const TaskContext& ctx) {
    if (!r.model_id.empty()) return {r.ts, r.model_id, r.provider_id};
    ModelAt m = context_model(ctx, r.ts);
    if (m.model.empty() && !r.request_model.empty()) m.model = r.request_model;
    if (m.provider.empty()) m.provider = r.provider_id;
    return m;
}

}  // namespace

ScanResult scan_task(const TaskTool& tool, const SourceFile& file, const ScanStart& start) {
    ScanResult result;
    const TaskMessages messages = read_task_messages(file.path);
    result.bytes_read = messages.bytes;
    result.offset = messages.bytes;
    result.malformed_lines = (messages.malformed ? 1 : 0) + messages.malformed_records;

    const std::filesystem::path dir = file.path.parent_path();
    const std::string task_id = file.session_hint.empty() ? dir.filename().string() : file.session_hint;
    const TaskContext ctx = read_task_context(dir);
    std::string project_path = ctx.project_path;

    // Pass 1: the records that count, keyed, with their figures.
    std::vector<Counted> counted;
    std::map<std::int64_t, int> seen_ts;
    std::string protocol;  // the apiProtocol in force
    ModelAt last_model;    // of the previous counted record
    double cost_usd = 0;   // running sum of the counted calls' costs
    std::int64_t cost_micros = 0;
    for (std::size_t i = 0; i < messages.records.size(); ++i) {
        const UsageRecord& r = messages.records[i];
        if (!r.api_protocol.empty()) protocol = r.api_protocol;
        if (project_path.empty()) project_path = r.request_cwd;
        if (!carries_usage(r) || is_started_half(messages.records, i)) continue;
        if (r.bad) {
            result.invalid.add(RecordPlace::at_offset(r.offset), r.bad->field, r.bad->value, r.bad->rule);
            continue;
        }
        Counted c;
        c.record = &r;
        c.key = std::to_string(r.ts);
        if (const int n = ++seen_ts[r.ts]; n > 1) c.key += ":" + std::to_string(n);
        c.model = record_model(r, ctx);
        if (c.model.model.empty()) c.model = last_model;  // the task's model so far
        if (!c.model.model.empty()) last_model = c.model;
        // An aggregate sums calls of maybe several models, a subagent batch
        // runs on a model the record does not name: the task's model.
        c.model_guessed = r.kind == RecordKind::deleted || r.kind == RecordKind::subagent;
        c.usage.ts = r.ts;
        // A call says its own protocol (or predates them); an aggregate sums
        // calls made under the protocol in force.
        c.aggregate = r.kind == RecordKind::deleted || r.kind == RecordKind::subagent;
        c.usage.input = uncached_input(tool, r, c.model.provider, c.aggregate ? protocol : r.api_protocol);
        c.usage.output = r.tokens_out;
        c.usage.cache_read = r.cache_reads;
        c.usage.cache_write = r.cache_writes;
        c.has_cost = r.cost.has_value();
        if (r.cost && r.kind == RecordKind::deleted) {
            c.usage.cost_micros = std::llround(*r.cost * 1e6);
        } else if (r.cost) {
            // Rounded on the running sum, so a task's total is exact to the
            // micro-dollar (costs are fractions of a micro-dollar apart).
            cost_usd += *r.cost;
            const std::int64_t now = std::llround(cost_usd * 1e6);
            c.usage.cost_micros = now - cost_micros;
            cost_micros = now;
        }
        counted.push_back(std::move(c));
    }

    // Pass 2: calls counted before and gone now were summed into the next
    // aggregate after them: take them off it once, and remember that.
    const TaskState before = parse_state(start.state);
    TaskState after;
    after.gone = before.gone;
    std::map<std::string, bool> present;
    for (const auto& c : counted) present[c.key] = true;
    for (const auto& [key, u] : before.counted)
        if (!present.count(key)) after.gone.emplace(key, u);
    for (auto& c : counted) {
        if (c.record->kind != RecordKind::deleted) continue;
        CountedUsage taken;
        if (auto known = before.deductions.find(c.key); known != before.deductions.end()) {
            taken = known->second;
        } else {
            for (auto it = after.gone.begin(); it != after.gone.end();) {
                if (it->second.ts < c.usage.ts) {
                    taken += it->second;
                    it = after.gone.erase(it);
                } else {
                    ++it;
                }
            }
        }
        after.deductions[c.key] = taken;
        c.usage = c.usage.minus(taken);
    }

    // Pass 3: the events.
    const std::string project_name = project_path.empty() ? std::string() : last_component(project_path);
    for (const auto& c : counted) {
        after.counted[c.key] = c.usage;
        if (c.usage.empty()) continue;  // an aggregate fully counted before
        UsageEvent e;
        e.id.append(tool.source).append(":").append(task_id).append(":").append(c.key);
        e.source = std::string(tool.source);
        e.session_id = task_id;
        e.model = c.model.model;
        e.pricing_model = router_claude_pricing_id(e.model);
        e.model_guessed = c.model_guessed;
        // A sum of calls: priced at base rates, no per-call tier applies.
        e.aggregate = c.aggregate;
        e.provider = c.model.provider;
        e.project_path = project_path;
        e.project_name = project_name;
        e.surface = c.record->kind == RecordKind::subagent ? "subagent" : "ide";
        e.timestamp_ms = c.usage.ts;
        e.tokens.input = c.usage.input;
        e.tokens.output = c.usage.output;
        e.tokens.cache_read = c.usage.cache_read;
        e.tokens.cache_write_5m = c.usage.cache_write;
        if (c.has_cost) e.reported_cost_micros = c.usage.cost_micros;
        result.events.push_back(std::move(e));
    }
    result.state = format_state(after);
    return result;
}

}  // namespace usage::plugins::vscode_tasks
