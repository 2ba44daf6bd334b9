// `usage-agent serve token add|list|revoke`: the endpoint's tokens, kept in
// the same store the endpoint serves (--store; only hashes).
#include <iostream>
#include <nlohmann/json.hpp>

#include "../commands.hpp"
#include "../json_text.hpp"
#include "../terminal_text.hpp"
#include "tokens.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/store/token_store.hpp"

namespace agent {
namespace {

nlohmann::json token_json_row(const usage::TokenRecord& t) {
    return {{"id", t.id},
            {"prefix", t.prefix},
            {"user", t.user},
            {"role", t.role},
            {"created", usage::format_utc_ms(t.created_ms)},
            {"revoked", t.revoked_ms ? nlohmann::json(usage::format_utc_ms(*t.revoked_ms)) : nlohmann::json(nullptr)}};
}

// Users are names an admin typed and prefixes come from the store: both are
// escaped and cut like any table cell.
void print_table(const std::vector<usage::TokenRecord>& tokens) {
    if (tokens.empty()) {
        std::cout << "no tokens (create one with `usage-agent serve token add --user NAME --role member`)\n";
        return;
    }
    const auto minute = [](std::int64_t ms) { return usage::format_utc_ms(ms).substr(0, 16) + "Z"; };
    std::cout << "ID   PREFIX       USER             ROLE     CREATED            STATUS\n";
    for (const auto& t : tokens) {
        std::cout << pad_right(std::to_string(t.id), 4) << " " << pad_right(fit_end(t.prefix, 9) + "...", 12) << " "
                  << pad_right(fit_end(t.user, 16), 16) << " " << pad_right(fit_end(t.role, 8), 8) << " "
                  << pad_right(minute(t.created_ms), 18) << " "
                  << (t.revoked_ms ? "revoked " + minute(*t.revoked_ms) : std::string("active")) << "\n";
    }
}

}  // namespace

int ServeCommand::run_token(AppContext& ctx) const {
    // Opened without prices: managing tokens must never re-price a team's
    // events with whatever prices the operator's machine has.
    usage::Store store(store_location(ctx));
    if (token_add->parsed()) {
        if (token_user.empty()) throw CLI::ValidationError("--user", "must not be empty");
        const std::string secret = serve::new_token();
        const std::int64_t id = usage::add_token(store, serve::token_hash(secret), serve::token_prefix(secret),
                                                 token_user, token_role, usage::unix_now_ms());
        std::cout << secret << std::endl;
        std::cerr << "token " << id << " for " << escape_terminal_text(token_user) << " (" << token_role
                  << "); it is not stored and will not be shown again\n";
        return 0;
    }
    if (token_list->parsed()) {
        const auto tokens = usage::list_tokens(store);
        if (token_json) {
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& t : tokens) rows.push_back(token_json_row(t));
            std::cout << json_text(rows) << "\n";
        } else {
            print_table(tokens);
        }
        return 0;
    }
    if (!usage::revoke_token(store, token_id, usage::unix_now_ms()))
        throw std::runtime_error("no token with id " + std::to_string(token_id));
    std::cout << "token " << token_id << " revoked\n";
    return 0;
}

}  // namespace agent
