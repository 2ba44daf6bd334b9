#include "self_executable.hpp"

#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

namespace agent {

std::filesystem::path self_executable() {
#if defined(__APPLE__)
    std::uint32_t size = 0;
    _NSGetExecutablePath(nullptr, &size);
    std::string buf(size, '\0');
    if (_NSGetExecutablePath(buf.data(), &size) != 0) throw std::runtime_error("cannot find this program's path");
    return std::filesystem::canonical(buf.c_str());
#else
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) throw std::runtime_error("/proc/self/exe: cannot find this program's path: " + ec.message());
    return exe;
#endif
}

}  // namespace agent
