#include "progress_bar.hpp"

#include <cstdio>

#include "terminal.hpp"

namespace agent {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), enabled_(stderr_is_tty()), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
    finish();
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_ || total == 0) return;
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1)) return;
    if (shown_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total) return;
    last_draw_ = now;
    shown_ = true;
    constexpr int width = 30;
    double frac = static_cast<double>(done) / static_cast<double>(total);
    if (frac > 1) frac = 1;
    int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %3d%% %s / %s ", label_.c_str(), bar.c_str(), static_cast<int>(frac * 100),
                 human_bytes(done).c_str(), human_bytes(total).c_str());
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (shown_) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        shown_ = false;
    }
}

}  // namespace agent
