#include "vscode_task_context.hpp"

#include <simdjson.h>

#include <algorithm>
#include <string_view>

#include "usage/scan/ondemand_values.hpp"
#include "vscode_task_discovery.hpp"
#include "vscode_task_text.hpp"

namespace usage::plugins::vscode_tasks {
namespace od = simdjson::ondemand;

namespace {

bool by_ts(const ModelAt& a, const ModelAt& b) {
    return a.ts < b.ts;
}

void read_model_info(od::value v, ModelAt& m, std::string_view model_key, std::string_view provider_key) {
    od::object info;
    if (v.get_object().get(info)) return;
    for (auto field : info) {
        std::string_view key;
        od::value fv;
        if (field.unescaped_key().get(key) || field.value().get(fv)) return;
        if (key == model_key) m.model = detail::ondemand_str(fv);
        if (key == provider_key) m.provider = detail::ondemand_str(fv);
    }
}

// The prompt text of a user entry: a string or an array of blocks whose
// `text` strings are searched.
void scan_prompt(od::value content, std::int64_t ts, TaskContext& ctx, std::string& first_cwd) {
    const auto look = [&](std::string_view text) {
        if (text.find("<environment_details>") == std::string_view::npos) return;
        if (std::string model = tagged_model(text); !model.empty()) ctx.tagged.push_back({ts, std::move(model), {}});
        if (first_cwd.empty()) first_cwd = workspace_dir(text);
    };
    std::string_view text;
    if (content.get_string().get(text) == simdjson::SUCCESS) {
        look(text);
        return;
    }
    od::array blocks;
    if (content.get_array().get(blocks)) return;
    for (auto block : blocks) {
        od::object obj;
        if (block.get_object().get(obj)) return;
        for (auto field : obj) {
            std::string_view key;
            od::value fv;
            if (field.unescaped_key().get(key) || field.value().get(fv)) return;
            if (key == "text" && fv.get_string().get(text) == simdjson::SUCCESS) look(text);
        }
    }
}

void read_history(const std::filesystem::path& path, TaskContext& ctx, std::string& first_cwd) {
    auto file = read_optional_file(path);
    if (!file.found || file.file.size == 0) return;
    od::parser parser;
    od::document doc;
    od::array entries;
    if (parser.iterate(file.file.bytes.data(), file.file.size, file.file.bytes.size()).get(doc) ||
        doc.get_array().get(entries))
        return;
    for (auto entry : entries) {
        od::object obj;
        if (entry.get_object().get(obj)) return;
        // Fields come in any order; each is looked up (and consumed) once.
        od::value v;
        std::string role;
        if (obj.find_field_unordered("role").get(v) == simdjson::SUCCESS) role = detail::ondemand_str(v);
        std::int64_t ts = 0;
        if (obj.find_field_unordered("ts").get(v) == simdjson::SUCCESS) ts = detail::ondemand_int(v);
        if (role == "assistant") {
            ModelAt answer;
            if (obj.find_field_unordered("modelInfo").get(v) == simdjson::SUCCESS)
                read_model_info(v, answer, "modelId", "providerId");
            if (answer.model.empty()) continue;
            answer.ts = ts;
            ctx.answers.push_back(std::move(answer));
        } else if (role == "user" && obj.find_field_unordered("content").get(v) == simdjson::SUCCESS) {
            scan_prompt(v, ts, ctx, first_cwd);
        }
    }
}

void read_metadata(const std::filesystem::path& path, TaskContext& ctx) {
    auto file = read_optional_file(path);
    if (!file.found || file.file.size == 0) return;
    od::parser parser;
    od::document doc;
    od::object root;
    if (parser.iterate(file.file.bytes.data(), file.file.size, file.file.bytes.size()).get(doc) ||
        doc.get_object().get(root))
        return;
    od::value usage;
    od::array entries;
    if (root.find_field_unordered("model_usage").get(usage) || usage.get_array().get(entries)) return;
    for (auto entry : entries) {
        od::object obj;
        if (entry.get_object().get(obj)) return;
        ModelAt m;
        for (auto field : obj) {
            std::string_view key;
            od::value v;
            if (field.unescaped_key().get(key) || field.value().get(v)) return;
            if (key == "ts") m.ts = detail::ondemand_int(v);
            if (key == "model_id") m.model = detail::ondemand_str(v);
            if (key == "model_provider_id") m.provider = detail::ondemand_str(v);
        }
        if (!m.model.empty()) ctx.metadata.push_back(std::move(m));
    }
}

std::string read_workspace(const std::filesystem::path& path) {
    auto file = read_optional_file(path);
    if (!file.found || file.file.size == 0) return {};
    od::parser parser;
    od::document doc;
    od::object root;
    od::value v;
    if (parser.iterate(file.file.bytes.data(), file.file.size, file.file.bytes.size()).get(doc) ||
        doc.get_object().get(root) || root.find_field_unordered("workspace").get(v))
        return {};
    return std::string(detail::ondemand_str(v));
}

}  // namespace

TaskContext read_task_context(const std::filesystem::path& dir) {
    TaskContext ctx;
    std::string first_cwd;
    read_history(dir / kHistoryFile, ctx, first_cwd);
    read_metadata(dir / kMetadataFile, ctx);
    ctx.project_path = read_workspace(dir / kHistoryItemFile);
    if (ctx.project_path.empty()) ctx.project_path = std::move(first_cwd);
    std::stable_sort(ctx.answers.begin(), ctx.answers.end(), by_ts);
    std::stable_sort(ctx.metadata.begin(), ctx.metadata.end(), by_ts);
    std::stable_sort(ctx.tagged.begin(), ctx.tagged.end(), by_ts);
    return ctx;
}

namespace {

// The last entry at or before ts, else the first one.
const ModelAt* in_use_at(const std::vector<ModelAt>& list, std::int64_t ts) {
    if (list.empty()) return nullptr;
    auto it = std::upper_bound(list.begin(), list.end(), ModelAt{ts, {}, {}}, by_ts);
    return it == list.begin() ? &list.front() : &*(it - 1);
}

}  // namespace

ModelAt context_model(const TaskContext& ctx, std::int64_t ts) {
    // The answer to a request is saved after it was sent: the first answer
    // at or after ts.
    auto answer = std::lower_bound(ctx.answers.begin(), ctx.answers.end(), ModelAt{ts, {}, {}}, by_ts);
    if (answer != ctx.answers.end()) return *answer;
    if (!ctx.answers.empty()) return ctx.answers.back();
    if (const ModelAt* m = in_use_at(ctx.metadata, ts)) return *m;
    if (const ModelAt* m = in_use_at(ctx.tagged, ts)) return *m;
    return {};
}

}  // namespace usage::plugins::vscode_tasks
