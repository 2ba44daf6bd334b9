#include "vscode_task_text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "usage/os/unique_fd.hpp"

namespace usage::plugins::vscode_tasks {

PaddedFile read_padded_file(const std::filesystem::path& path) {
    struct stat st {};
    const UniqueFd fd = open_read_only(path, &st);
    if (static_cast<std::uint64_t>(st.st_size) > kMaxTaskFileBytes)
        throw std::runtime_error(path.string() + ": " + std::to_string(st.st_size) +
                                 " bytes, larger than any task file (" + std::to_string(kMaxTaskFileBytes) + ")");
    PaddedFile out;
    // The size may change under us (the tool rewrites the file): read until
    // EOF, growing the buffer, never past the cap.
    out.bytes.resize(static_cast<std::size_t>(st.st_size) + simdjson::SIMDJSON_PADDING + 1);
    for (;;) {
        if (out.bytes.size() - out.size < simdjson::SIMDJSON_PADDING + 1) {
            if (out.size >= kMaxTaskFileBytes)
                throw std::runtime_error(path.string() + ": grew past " + std::to_string(kMaxTaskFileBytes) +
                                         " bytes while being read");
            out.bytes.resize(out.bytes.size() * 2);
        }
        const ssize_t n =
            ::read(fd.get(), out.bytes.data() + out.size, out.bytes.size() - out.size - simdjson::SIMDJSON_PADDING);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
        if (n == 0) break;
        out.size += static_cast<std::size_t>(n);
    }
    std::memset(out.bytes.data() + out.size, 0, out.bytes.size() - out.size);
    return out;
}

OptionalFile read_optional_file(const std::filesystem::path& path) {
    OptionalFile out;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return out;
    try {
        out.file = read_padded_file(path);
        out.found = true;
    } catch (const std::runtime_error&) {
        // A companion file only refines model and project: without it the
        // usage is still read from ui_messages.json.
        out.found = false;
    }
    return out;
}

std::string tagged_model(std::string_view prompt) {
    constexpr std::string_view open = "<model>", close = "</model>";
    const auto at = prompt.rfind(open);
    if (at == std::string_view::npos) return {};
    const auto begin = at + open.size();
    const auto end = prompt.find(close, begin);
    if (end == std::string_view::npos || end - begin > 200) return {};
    std::string_view model = prompt.substr(begin, end - begin);
    while (!model.empty() && (model.front() == ' ' || model.front() == '\n')) model.remove_prefix(1);
    while (!model.empty() && (model.back() == ' ' || model.back() == '\n')) model.remove_suffix(1);
    return std::string(model);
}

std::string workspace_dir(std::string_view prompt) {
    for (std::string_view head : {"# Current Working Directory (", "# Current Workspace Directory ("}) {
        const auto at = prompt.find(head);
        if (at == std::string_view::npos) continue;
        const auto begin = at + head.size();
        const auto end = prompt.find(") Files", begin);
        if (end == std::string_view::npos || end - begin > 4096) continue;
        const std::string_view dir = prompt.substr(begin, end - begin);
        if (dir.empty() || dir.starts_with("Primary:") || dir.find('\n') != std::string_view::npos) continue;
        return std::string(dir);
    }
    return {};
}

std::string last_component(std::string_view path) {
    while (path.size() > 1 && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    const auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace usage::plugins::vscode_tasks
