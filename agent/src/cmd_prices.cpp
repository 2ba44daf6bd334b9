// `usage-agent prices [MODEL]` and `prices update --from FILE|URL`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "http_download.hpp"
#include "json_text.hpp"
#include "price_file_store.hpp"
#include "terminal.hpp"
#include "terminal_text.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/scan/source.hpp"

namespace agent {
namespace {

std::string read_source(const std::string& from, std::chrono::seconds timeout) {
    if (from.starts_with("http://") || from.starts_with("https://")) return http_get(from, timeout);
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

// One way a report prices a model id: through a plugin's name mapping (for
// that source's events, which carry the mapped id in `pricing_model`) or as
// written (every other source).
struct PriceReading {
    std::optional<usage::SourceModelMapping> via;
    std::optional<usage::ResolvedPrice> price;
};

// The mapped readings first; the name as written too when no plugin maps it,
// or when it prices differently from every mapping (then it is what other
// sources' events get).
std::vector<PriceReading> price_readings(const usage::PriceBook& prices, const std::string& model) {
    std::vector<PriceReading> out;
    for (auto& m : usage::model_name_mappings(model)) {
        auto price = prices.resolve(m.mapping.pricing_model);
        out.push_back({std::move(m), std::move(price)});
    }
    auto as_written = prices.resolve(model);
    const bool differs = std::none_of(out.begin(), out.end(), [&](const PriceReading& r) {
        return r.price && as_written && r.price->matched_id == as_written->matched_id &&
               r.price->source == as_written->source;
    });
    if (out.empty() || (as_written && differs)) out.push_back({std::nullopt, std::move(as_written)});
    return out;
}

std::string mapping_text(const std::string& model, const usage::SourceModelMapping& m) {
    return model + " \u2192 " + m.mapping.pricing_model + " (" + m.mapping.rule + ")";
}

nlohmann::json mapping_json(const std::optional<usage::SourceModelMapping>& m) {
    if (!m) return nullptr;
    return {{"source", m->source}, {"pricing_model", m->mapping.pricing_model}, {"rule", m->mapping.rule}};
}

nlohmann::json price_json(const usage::ResolvedPrice& resolved) {
    const auto& p = resolved.price;
    nlohmann::json j = {{"matched", resolved.matched_id},
                        {"source", std::string(usage::to_string(resolved.source))},
                        {"provider", p.provider},
                        {"unit", "USD per million tokens"},
                        {"rates", rates_json(p.base)}};
    if (!p.tiers.empty()) {
        nlohmann::json tiers = nlohmann::json::array();
        for (const auto& t : p.tiers)
            tiers.push_back({{"above_prompt_tokens", t.above_tokens}, {"rates", rates_json(t.rates)}});
        j["tiers"] = std::move(tiers);
        // The one-tier fields of earlier versions, kept for their readers.
        j["tier_threshold_tokens"] = p.tiers.front().above_tokens;
        j["tier_rates"] = rates_json(p.tiers.front().rates);
    }
    return j;
}

void print_price(const usage::ResolvedPrice& resolved) {
    const auto& p = resolved.price;
    std::cout << "  matched   " << escape_terminal_text(resolved.matched_id) << " ("
              << usage::to_string(resolved.source) << ")\n  provider  " << escape_terminal_text(p.provider)
              << "\n  USD/Mtok  " << rates_text(p.base) << "\n";
    for (const auto& t : p.tiers)
        std::cout << "  above " << with_commas(t.above_tokens) << " prompt tokens: " << rates_text(t.rates) << "\n";
}

int show_model(const AppContext& ctx, const std::string& model, bool json) {
    const auto readings = price_readings(ctx.prices(), model);
    if (std::none_of(readings.begin(), readings.end(), [](const PriceReading& r) { return r.price.has_value(); })) {
        const auto& last = readings.back();
        const std::string priced = last.via ? last.via->mapping.pricing_model : model;
        std::string tried;
        for (const auto& id : usage::normalised_model_ids(priced)) tried += (tried.empty() ? "" : ", ") + id;
        std::cerr << "usage-agent: no price for model '" << model << "' ("
                  << (last.via ? "as " + mapping_text(model, *last.via) + "; " : std::string()) << "tried: " << tried
                  << "); add it under pricing.overrides in the config\n";
        return 1;
    }
    if (json) {
        const auto& first = readings.front();
        nlohmann::json j = price_json(*first.price);
        j["model"] = model;
        j["mapping"] = mapping_json(first.via);
        if (readings.size() > 1 && !readings.back().via && readings.back().price)
            j["as_written"] = price_json(*readings.back().price);
        std::cout << json_text(j) << "\n";
        return 0;
    }
    std::cout << escape_terminal_text(model) << "\n";
    for (const auto& r : readings) {
        if (r.via)
            std::cout << "  mapped    " << escape_terminal_text(mapping_text(model, *r.via)) << "\n";
        else if (readings.size() > 1)
            std::cout << "  as written, for the events of other sources:\n";
        if (r.price)
            print_price(*r.price);
        else
            std::cout << "  UNPRICED\n";
    }
    return 0;
}

}  // namespace

void PricesCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("prices", "Show the price used for a model and where it came from");
    cmd->add_option("model", model, "Model id as the tool wrote it (omit to list the models in your store)");
    cmd->add_flag("--json", json, "JSON output");
    cmd->footer(
        "Prices: config overrides > stored price file (`prices update`) > built-in table.\n"
        "A cost reported by the tool itself wins over estimates, not over overrides.\n"
        "Examples:\n"
        "  usage-agent prices                        every model in the store and its price\n"
        "  usage-agent prices claude-4.5-sonnet      the price a report uses, and the name mapping\n"
        "  usage-agent prices update --from model_prices_and_context_window.json");
    update = cmd->add_subcommand("update", "Load a LiteLLM-format price file and use it from now on");
    update->add_option("--from", update_from, "File path or http(s) URL of model_prices_and_context_window.json")
        ->required()
        ->check(non_empty());
    update->add_option("--timeout", timeout_seconds, "Give up a download after this many seconds")
        ->check(integer_at_least(1))
        ->capture_default_str();
    update->footer(
        "A URL is fetched with redirects followed, at most 64 MiB, within --timeout.\n"
        "Examples:\n"
        "  usage-agent prices update --from model_prices_and_context_window.json\n"
        "  usage-agent prices update --from https://prices.example.com/litellm.json --timeout 30");
}

int PricesCommand::run(AppContext& ctx) const {
    if (update->parsed()) {
        std::vector<usage::ModelPrice> models;
        std::vector<std::string> skipped;
        try {
            models =
                usage::parse_litellm_prices(read_source(update_from, std::chrono::seconds(timeout_seconds)), &skipped);
        } catch (const std::runtime_error& e) {
            // The parser knows the text, not where it came from.
            const std::string reason = e.what();
            throw std::runtime_error(reason.starts_with(update_from) ? reason : update_from + ": " + reason);
        }
        for (const auto& why : skipped)
            std::cerr << "warning: " << update_from << ": skipped " << escape_terminal_text(why) << "\n";
        StoredPrices stored;
        stored.origin = update_from;
        stored.updated = usage::format_utc_ms(usage::unix_now_ms());
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
    std::vector<std::string> models, events, matches;
    for (const auto& row : report.rows) {
        const auto reading = price_readings(ctx.prices(), row.key).front();
        const auto& r = reading.price;
        list.push_back(
            {{"model", row.key},
             {"events", row.totals.events},
             {"matched", r ? nlohmann::json(r->matched_id) : nlohmann::json(nullptr)},
             {"source", r ? nlohmann::json(std::string(usage::to_string(r->source))) : nlohmann::json("unpriced")},
             {"mapping", mapping_json(reading.via)}});
        models.push_back(row.key);
        events.push_back(with_commas(row.totals.events));
        matches.push_back(
            r ? escape_terminal_text(r->matched_id) + " (" + std::string(usage::to_string(r->source)) +
                    (reading.via ? ", " + escape_terminal_text(reading.via->mapping.rule) : std::string()) + ")"
              : "UNPRICED");
    }
    if (json) {
        std::cout << json_text(list) << "\n";
        return 0;
    }
    if (report.rows.empty()) {
        std::cout << "no models in the store yet; run `usage-agent sync --once`\n";
        return 0;
    }
    // Model ids are as wide as the widest (at most 40 columns, cut in the middle
    // so that ids stay apart); widths count display columns.
    const auto cells = fit_distinct(models, 40);
    std::size_t model_width = 5, events_width = 6;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        model_width = std::max(model_width, display_width(cells[i]));
        events_width = std::max(events_width, events[i].size());
    }
    std::cout << pad_right("MODEL", model_width) << "  " << pad_left("EVENTS", events_width) << "  PRICE FROM\n";
    for (std::size_t i = 0; i < cells.size(); ++i)
        std::cout << pad_right(cells[i], model_width) << "  " << pad_left(events[i], events_width) << "  " << matches[i]
                  << "\n";
    return 0;
}

}  // namespace agent
