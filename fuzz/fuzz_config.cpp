// Feeds a config.yaml to load_config (the file as the agent reads it, `~/`
// expansion included). A file is the user's, often hand-edited: anything but
// a ConfigError naming file, line and key is a finding. An accepted config
// must also survive `config show`: its rendering loads back to itself.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "usage/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fuzz::TempDir dir;
    static const usage::Environment env({{"HOME", "/home/fuzz"}, {"USER", "fuzz"}});
    const auto file = dir.write("config.yaml", fuzz::as_text(data, size));
    usage::Config config;
    try {
        config = usage::load_config(file, env);
    } catch (const usage::ConfigError&) {
        return 0;
    }
    const std::string shown = usage::render_config(config);
    if (usage::render_config(usage::parse_config(shown, "shown.yaml")) != shown) __builtin_trap();
    return 0;
}
