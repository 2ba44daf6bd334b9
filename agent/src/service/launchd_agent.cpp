#include "launchd_agent.hpp"

namespace agent::service {
namespace {

std::string xml_escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string string_element(const std::string& value) {
    return "<string>" + xml_escape(value) + "</string>";
}

}  // namespace

std::string launchd_plist_text(const std::vector<std::string>& command, const std::string& log_dir) {
    std::string args;
    for (const auto& word : command) args += "\t\t" + string_element(word) + "\n";
    // RunAtLoad: start at login (the default is false). KeepAlive as
    // {SuccessfulExit: false}: restart after a failure only, so a clean
    // exit on SIGTERM at logout stays stopped. ThrottleInterval spaces the
    // restarts; ExitTimeOut gives the loop time to commit before SIGKILL.
    // Umask 63 is 0077: the store and logs are private.
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
           "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
           "<plist version=\"1.0\">\n"
           "<dict>\n"
           "\t<key>Label</key>\n"
           "\t" +
           string_element(kLaunchdLabel) +
           "\n"
           "\t<key>ProgramArguments</key>\n"
           "\t<array>\n" +
           args +
           "\t</array>\n"
           "\t<key>RunAtLoad</key>\n"
           "\t<true/>\n"
           "\t<key>KeepAlive</key>\n"
           "\t<dict>\n"
           "\t\t<key>SuccessfulExit</key>\n"
           "\t\t<false/>\n"
           "\t</dict>\n"
           "\t<key>ThrottleInterval</key>\n"
           "\t<integer>10</integer>\n"
           "\t<key>ExitTimeOut</key>\n"
           "\t<integer>30</integer>\n"
           "\t<key>ProcessType</key>\n"
           "\t<string>Background</string>\n"
           "\t<key>LowPriorityIO</key>\n"
           "\t<true/>\n"
           "\t<key>Umask</key>\n"
           "\t<integer>63</integer>\n"
           "\t<key>StandardOutPath</key>\n"
           "\t" +
           string_element(log_dir + "/stdout.log") +
           "\n"
           "\t<key>StandardErrorPath</key>\n"
           "\t" +
           string_element(log_dir + "/stderr.log") +
           "\n"
           "</dict>\n"
           "</plist>\n";
}

}  // namespace agent::service
