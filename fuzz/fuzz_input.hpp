// Helpers the harnesses share: copies of the input sized exactly as the
// parsers' contracts allow (so ASan sees a read one byte past the promised
// padding), line splitting as the JSONL reader does it, and a folder for
// entry points that only read named files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// `text` followed by exactly `padding` zero bytes, writable (the parsers
/// repair invalid UTF-8 in place).
class PaddedCopy {
public:
    PaddedCopy(std::string_view text, std::size_t padding) : size_(text.size()), bytes_(text.size() + padding, '\0') {
        text.copy(bytes_.data(), text.size());
    }
    [[nodiscard]] char* data() { return bytes_.data(); }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] std::size_t capacity() const { return bytes_.size(); }

private:
    std::size_t size_;
    std::vector<char> bytes_;
};

/// Calls `on_line` for each '\n'-separated line (without the newline), at
/// most `max_lines` of them; a last line without a newline counts, as a
/// transcript still being written is read again later anyway.
template <typename F>
void for_each_line(std::string_view text, std::size_t max_lines, F&& on_line) {
    for (std::size_t n = 0; n < max_lines && !text.empty(); ++n) {
        const auto nl = text.find('\n');
        on_line(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
}

/// A private folder (under $TMPDIR, else /dev/shm) for harnesses whose
/// entry point reads named files, removed at exit. A crashed harness (every
/// step of -minimize_crash is one) leaves it behind: run_fuzzers.sh points
/// $TMPDIR at a folder of its own and removes that.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/dev/shm") + "/usage-fuzz-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    /// Replace the file `name` in the folder with `text`; its path.
    std::filesystem::path write(const std::string& name, std::string_view text) const {
        const auto file = path_ / name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out) throw std::runtime_error("cannot write " + file.string());
        return file;
    }

private:
    std::filesystem::path path_;
};

}  // namespace fuzz
