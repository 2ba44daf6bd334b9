// Refused tokens per client address: an address that sent too many wrong
// tokens in a minute is answered 429 until the minute is over, whatever
// token it sends, so guessing tokens (or session cookies) from one address
// is slow. Used on the network thread only (no lock).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <map>

namespace agent::serve {

class SignInThrottle {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kMaxFailures = 10;
    static constexpr std::chrono::seconds kWindow{60};
    static constexpr std::size_t kMaxAddresses = 10'000;

    /// Seconds until `address` may try again (0: it may now).
    [[nodiscard]] int retry_after(const boost::asio::ip::address& address, Clock::time_point now) const;
    /// A token from `address` was refused (unknown or revoked).
    void failed(const boost::asio::ip::address& address, Clock::time_point now);

private:
    struct Window {
        Clock::time_point start;
        int failures = 0;
    };
    std::map<boost::asio::ip::address, Window> windows_;
};

}  // namespace agent::serve
