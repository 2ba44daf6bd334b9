#include "sign_in_throttle.hpp"

#include <iterator>

namespace agent::serve {

int SignInThrottle::retry_after(const boost::asio::ip::address& address, Clock::time_point now) const {
    const auto it = windows_.find(address);
    if (it == windows_.end() || it->second.failures < kMaxFailures) return 0;
    const auto left = it->second.start + kWindow - now;
    if (left <= Clock::duration::zero()) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(left).count());
}

void SignInThrottle::failed(const boost::asio::ip::address& address, Clock::time_point now) {
    Window& w = windows_[address];
    if (w.failures == 0 || now - w.start > kWindow) w = {now, 0};
    ++w.failures;
    if (windows_.size() <= kMaxAddresses) return;
    // Many addresses at once: forget the finished windows, and if that is not
    // enough, all of them (bounded memory over a perfect count).
    for (auto at = windows_.begin(); at != windows_.end();)
        at = now - at->second.start > kWindow ? windows_.erase(at) : std::next(at);
    if (windows_.size() > kMaxAddresses) windows_.clear();
}

}  // namespace agent::serve
