// Feeds `--listen ADDR:PORT` text to parse_listen_address. A bad address is
// std::invalid_argument with a reason; an accepted one must print (as serve
// does on start) to text that parses back to the same endpoint.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_input.hpp"
#include "serve/listen_address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(fuzz::as_text(data, size));
    boost::asio::ip::tcp::endpoint endpoint;
    try {
        endpoint = agent::serve::parse_listen_address(text);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    if (agent::serve::parse_listen_address(agent::serve::format_endpoint(endpoint)) != endpoint) __builtin_trap();
    return 0;
}
