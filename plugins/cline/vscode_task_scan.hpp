// One read of one task folder: its usage records turned into UsageEvents.
#pragma once

#include "usage/scan/source.hpp"
#include "vscode_task_tool.hpp"

namespace usage::plugins::vscode_tasks {

/// Read the task of `file` (its ui_messages.json and companions) whole.
/// Event ids are `<source>:<taskId>:<ts>` (`:<n>` added for the n-th record
/// of one ts), so a re-read, and the same task seen under several editors,
/// give the same ids. `start.state` is the previous read's TaskState.
ScanResult scan_task(const TaskTool& tool, const SourceFile& file, const ScanStart& start);

}  // namespace usage::plugins::vscode_tasks
