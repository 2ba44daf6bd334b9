// `usage-agent prices [MODEL]` and `prices update --from FILE|URL`.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "http_download.hpp"
#include "price_file_store.hpp"
#include "terminal.hpp"
#include "usage/analytics.hpp"

namespace agent {
namespace {

std::string read_source(const std::string& from) {
    if (from.starts_with("http://") || from.starts_with("https://")) return http_get(from);
    std::ifstream in(from, std::ios::binary);
    if (!in) throw std::runtime_error(from + ": cannot open price file");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string rate(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

nlohmann::json rates_json(const usage::Rates& r) {
    return {{"input", r.input},
            {"output", r.output},
            {"cache_read", r.cache_read},
            {"cache_write_5m", r.cache_write_5m},
            {"cache_write_1h", r.cache_write_1h.value_or(2 * r.input)}};
}

std::string rates_text(const usage::Rates& r) {
    return "input " + rate(r.input) + ", output " + rate(r.output) + ", cache read " + rate(r.cache_read) +
           ", cache write 5m " + rate(r.cache_write_5m) + ", 1h " + rate(r.cache_write_1h.value_or(2 * r.input)) +
           (r.cache_write_1h ? "" : " (2x input)");
}

int show_model(const AppContext& ctx, const std::string& model, bool json) {
    auto resolved = ctx.prices().resolve(model);
    if (!resolved) {
        std::string tried;
        for (const auto& id : usage::normalised_model_ids(model)) tried += (tried.empty() ? "" : ", ") + id;
        std::cerr << "usage-agent: no price for model '" << model << "' (tried: " << tried
                  << "); add it under pricing.overrides in the config\n";
        return 1;
    }
    const auto& p = resolved->price;
    if (json) {
        nlohmann::json j = {{"model", model},
                            {"matched", resolved->matched_id},
                            {"source", std::string(usage::to_string(resolved->source))},
                            {"provider", p.provider},
                            {"unit", "USD per million tokens"},
                            {"rates", rates_json(p.base)}};
        if (p.tier_threshold > 0) {
            j["tier_threshold_tokens"] = p.tier_threshold;
            j["tier_rates"] = rates_json(p.tier);
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << model << "\n  matched   " << resolved->matched_id << " (" << usage::to_string(resolved->source)
              << ")\n  provider  " << p.provider << "\n  USD/Mtok  " << rates_text(p.base) << "\n";
    if (p.tier_threshold > 0)
        std::cout << "  above " << with_commas(p.tier_threshold) << " prompt tokens: " << rates_text(p.tier) << "\n";
    return 0;
}

}  // namespace

void PricesCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("prices", "Show the price used for a model and where it came from");
    cmd->add_option("model", model, "Model id as the tool wrote it (omit to list the models in your store)");
    cmd->add_flag("--json", json, "JSON output");
    cmd->footer(
        "Prices: config overrides > stored price file (`prices update`) > built-in table.\n"
        "A cost reported by the tool itself wins over estimates, not over overrides.");
    update = cmd->add_subcommand("update", "Load a LiteLLM-format price file and use it from now on");
    update->add_option("--from", update_from, "File path or http(s) URL of model_prices_and_context_window.json")
        ->required();
}

int PricesCommand::run(AppContext& ctx) const {
    if (update->parsed()) {
        std::vector<std::string> skipped;
        auto models = usage::parse_litellm_prices(read_source(update_from), &skipped);
        for (const auto& why : skipped) std::cerr << "warning: " << update_from << ": skipped " << why << "\n";
        StoredPrices stored;
        stored.origin = update_from;
        stored.updated = usage::format_utc_ms(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
        stored.models = std::move(models);
        save_price_file(ctx.state_dir(), stored);
        std::cout << "stored " << with_commas(static_cast<std::int64_t>(stored.models.size())) << " model prices from "
                  << update_from << " in " << price_file_path(ctx.state_dir()).string() << "\n";
        return 0;
    }
    if (!model.empty()) return show_model(ctx, model, json);

    // No model: every model in the store with the price it gets.
    usage::Query q;
    q.group = usage::GroupBy::model;
    auto report = usage::run_query(ctx.store(), q);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& row : report.rows) {
        auto r = ctx.prices().resolve(row.key);
        if (json) {
            list.push_back({{"model", row.key},
                            {"events", row.totals.events},
                            {"matched", r ? nlohmann::json(r->matched_id) : nlohmann::json(nullptr)},
                            {"source", r ? nlohmann::json(std::string(usage::to_string(r->source)))
                                         : nlohmann::json("unpriced")}});
        } else {
            std::cout << row.key << "  ->  "
                      << (r ? r->matched_id + " (" + std::string(usage::to_string(r->source)) + ")" : "UNPRICED")
                      << "\n";
        }
    }
    if (json)
        std::cout << list.dump(2) << "\n";
    else if (report.rows.empty())
        std::cout << "no models in the store yet; run `usage-agent sync --once`\n";
    return 0;
}

}  // namespace agent
