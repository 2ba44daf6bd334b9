#include "codex_identity.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include "usage/scan/git_repository.hpp"
#include "usage/scan/iso_time.hpp"

namespace usage::plugins::codex {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool has(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// When the thread was created: its UUID v7 id, else the meta's timestamps.
std::int64_t creation_ms(const SessionMeta& meta) {
    if (auto ms = uuid_v7_ms(meta.id)) return *ms;
    if (auto ms = detail::parse_iso8601_ms(meta.timestamp)) return *ms;
    if (auto ms = detail::parse_iso8601_ms(meta.line_timestamp)) return *ms;
    return 0;
}

}  // namespace

void apply_session_meta(ThreadState& state, const SessionMeta& own, const std::vector<SessionMeta>& ancestors) {
    state.meta_seen = true;
    if (!own.id.empty()) state.thread_id = own.id;
    state.cwd = own.cwd;
    state.git_branch = own.git_branch;
    state.repository = usage::without_credentials(own.repository_url);
    state.provider = own.model_provider.empty() ? "openai" : own.model_provider;
    // Auto-review calls are marked as such wherever they are counted, so a
    // report can tell what reviewing approvals cost.
    state.surface = own.auto_review() ? "auto-review" : surface_of(own.originator, own.source);
    state.session_id = state.thread_id;
    state.parent_id.clear();

    const std::string& parent = own.replayed_parent();
    // An Auto-review thread replays nothing; it names its parent in the
    // payload only (and the root session too, from Codex 0.146 on).
    const std::string& owner = parent.empty() && own.auto_review() ? own.control_parent_id : parent;
    if ((!own.subagent.empty() || own.auto_review()) && !owner.empty()) {
        // A subagent's calls belong to the session that spawned it. Nested
        // subagents replay their ancestors' metas: follow them to the top.
        state.parent_id = owner;
        std::string top = owner;
        for (int depth = 0; depth < 32; ++depth) {
            auto it =
                std::find_if(ancestors.begin(), ancestors.end(), [&](const SessionMeta& m) { return m.id == top; });
            if (it == ancestors.end() || it->subagent.empty() || it->replayed_parent().empty()) break;
            top = it->replayed_parent();
        }
        if (parent.empty() && !own.root_session_id.empty() && own.root_session_id != own.id) top = own.root_session_id;
        state.session_id = top;
    }
    // Forks (human or subagent) begin by replaying the parent's history.
    state.in_replay = !parent.empty();
    state.child_ms = state.in_replay ? creation_ms(own) : 0;
    state.task_turn_id.clear();
    state.task_started = -1;
}

std::string surface_of(std::string_view originator, std::string_view source) {
    // The originator names the client; `source` says how the thread was
    // started, which only decides for an unknown client when it is exec,
    // mcp or the IDE.
    const std::string o = lower(originator);
    if (has(o, "exec")) return "exec";
    if (has(o, "vscode")) return "ide";
    if (has(o, "desktop")) return "desktop";
    if (has(o, "mcp")) return "mcp";
    if (has(o, "cli") || has(o, "tui")) return "cli";
    const std::string s = lower(source);
    if (s == "exec") return "exec";
    if (s == "vscode") return "ide";
    if (s == "mcp") return "mcp";
    if (!o.empty()) {  // a third-party client: keep its name
        std::string name = o;
        std::replace(name.begin(), name.end(), ' ', '-');
        return name;
    }
    return "cli";
}

std::optional<std::string> toml_top_level_model(std::string_view text) {
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.starts_with('[')) break;  // the first table ends the top level
        const auto eq = line.find('=');
        if (line.empty() || line.starts_with('#') || eq == std::string_view::npos) continue;
        std::string_view key = trim(line.substr(0, eq));
        if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
            key = key.substr(1, key.size() - 2);
        if (key != "model") continue;
        std::string_view value = trim(line.substr(eq + 1));
        if (value.empty() || (value.front() != '"' && value.front() != '\'')) return std::nullopt;
        const char quote = value.front();
        const auto end = value.find(quote, 1);
        if (end == std::string_view::npos || end == 1) return std::nullopt;
        return std::string(value.substr(1, end - 1));
    }
    return std::nullopt;
}

fs::path codex_home_of(const fs::path& rollout) {
    for (fs::path dir = rollout.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
        const auto name = dir.filename();
        if (name == "sessions" || name == "archived_sessions") return dir.parent_path();
        if (dir == dir.parent_path()) break;
    }
    return rollout.parent_path();
}

std::optional<std::string> config_model_for(const fs::path& rollout) {
    std::ifstream in(codex_home_of(rollout) / "config.toml", std::ios::binary);
    if (!in) return std::nullopt;
    std::string text;
    text.resize(1u << 20);  // a config is a few KB; never read an odd huge file whole
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return toml_top_level_model(text);
}

}  // namespace usage::plugins::codex
