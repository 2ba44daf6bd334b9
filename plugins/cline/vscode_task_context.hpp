// What a task folder says besides ui_messages.json: the model of each
// request when the usage record names none, and the project folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace usage::plugins::vscode_tasks {

struct ModelAt {
    std::int64_t ts = 0;
    std::string model;
    std::string provider;
};

struct TaskContext {
    /// api_conversation_history.json assistant entries' `modelInfo` (newer
    /// Cline), at the answer's ts.
    std::vector<ModelAt> answers;
    /// task_metadata.json `model_usage[{ts, model_id, model_provider_id}]`
    /// (Cline): the model chosen from ts on.
    std::vector<ModelAt> metadata;
    /// `<model>` of the environment_details in user entries (Roo, Kilo), at
    /// the request's ts.
    std::vector<ModelAt> tagged;
    /// history_item.json `workspace` (Roo, Kilo), else the first workspace
    /// named by environment_details in the history.
    std::string project_path;
};

/// Read the companion files of the task folder `dir`. Missing or broken
/// files leave their part empty: they only refine what ui_messages.json says.
TaskContext read_task_context(const std::filesystem::path& dir);

/// The model of a request made at `ts` from the context, in the documented
/// order: the answer recorded at or after `ts`, the task metadata's model in
/// use at `ts`, the `<model>` tag of the last prompt sent by `ts`. Empty
/// model when none says.
ModelAt context_model(const TaskContext& ctx, std::int64_t ts);

}  // namespace usage::plugins::vscode_tasks
