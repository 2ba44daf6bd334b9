// The JSON values of Cursor's `cursorDiskKV` table, reduced to what usage
// needs. Values are stored as TEXT or BLOB; both are UTF-8 JSON.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "usage/scan/ondemand_values.hpp"

namespace usage::plugins::cursor {

/// Reuses one parser and one padded buffer for many values.
class ValueParser {
public:
    /// Start parsing `value` (copied into a padded buffer); nullptr when it is
    /// not JSON. The document lives until the next call.
    simdjson::ondemand::document* parse(std::string_view value);

private:
    simdjson::ondemand::parser parser_;
    simdjson::ondemand::document doc_;
    std::string buffer_;
};

/// `bubbleId:<composerId>:<bubbleId>`.
struct Bubble {
    int type = 0;  ///< 1 user, 2 assistant
    std::optional<std::int64_t> created_ms;
    std::string model;  ///< modelInfo.modelName
    std::int64_t input_tokens = 0, output_tokens = 0;
    std::string workspace_uri;  ///< first of workspaceUris (user bubbles)
    /// The first count that broke the rule of usage/model/token_limits.hpp (views
    /// into the parser's buffer: valid until its next parse).
    detail::BadNumber bad;
};

/// `composerData:<composerId>`.
struct Composer {
    std::optional<std::int64_t> created_ms;
    std::string model;              ///< modelConfig.modelName
    std::string first_user_bubble;  ///< first type-1 entry of fullConversationHeadersOnly
};

/// nullopt when the value is not a JSON object. Throws nothing.
std::optional<Bubble> parse_bubble(ValueParser& parser, std::string_view value);
std::optional<Composer> parse_composer(ValueParser& parser, std::string_view value);

/// `createdAt` as Cursor writes it: ISO-8601 text, or a number of
/// milliseconds (seconds when below 1e11, i.e. before 1973 in ms).
std::optional<std::int64_t> timestamp_ms(simdjson::ondemand::value value);

/// A workspace URI (`file:///home/me/app`, `vscode-remote://ssh-remote%2Bbox/srv/app`)
/// as a local path (`/home/me/app`), percent-decoded; empty when it has none.
std::string uri_path(std::string_view uri);

}  // namespace usage::plugins::cursor
