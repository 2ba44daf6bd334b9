#include "price_file_store.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "usage/os/durable_replace.hpp"

namespace agent {
namespace {

nlohmann::json rates_json(const usage::Rates& r) {
    nlohmann::json j = {
        {"input", r.input}, {"output", r.output}, {"cache_read", r.cache_read}, {"cache_write_5m", r.cache_write_5m}};
    if (r.cache_write_1h) j["cache_write_1h"] = *r.cache_write_1h;
    return j;
}

usage::Rates rates_from(const nlohmann::json& j) {
    usage::Rates r;
    r.input = j.at("input").get<double>();
    r.output = j.at("output").get<double>();
    r.cache_read = j.at("cache_read").get<double>();
    r.cache_write_5m = j.at("cache_write_5m").get<double>();
    if (j.contains("cache_write_1h")) r.cache_write_1h = j["cache_write_1h"].get<double>();
    return r;
}

}  // namespace

std::filesystem::path price_file_path(const std::filesystem::path& state_dir) {
    return state_dir / "prices.json";
}

std::optional<StoredPrices> load_price_file(const std::filesystem::path& state_dir) {
    auto path = price_file_path(state_dir);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec) && !ec) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::string text;
    if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw std::runtime_error(path.string() + ": cannot read: " + std::strerror(errno));
    try {
        nlohmann::json doc = nlohmann::json::parse(text);
        StoredPrices p;
        p.origin = doc.value("origin", "");
        p.updated = doc.value("updated", "");
        for (const auto& m : doc.at("models")) {
            usage::ModelPrice mp;
            mp.model = m.at("model").get<std::string>();
            mp.provider = m.value("provider", "");
            mp.base = rates_from(m.at("base"));
            if (auto tiers = m.find("tiers"); tiers != m.end())
                for (const auto& t : *tiers)
                    mp.tiers.push_back({t.at("above_tokens").get<std::int64_t>(), rates_from(t.at("rates"))});
            else if (m.value("tier_threshold", std::int64_t{0}) > 0)  // the one-tier layout of earlier versions
                mp.tiers.push_back({m.at("tier_threshold").get<std::int64_t>(), rates_from(m.at("tier"))});
            std::string field;
            double value = 0;
            if (usage::find_implausible_rate(mp, field, value)) {
                char shown[32];
                std::snprintf(shown, sizeof shown, "%g", value);
                throw std::runtime_error("model '" + mp.model + "': " + field + " is " + shown + ", " +
                                         std::string(usage::kPriceRule));
            }
            p.models.push_back(std::move(mp));
        }
        return p;
    } catch (const std::exception& e) {
        std::string why = e.what();
        if (why.starts_with("[json.exception.")) why.erase(0, why.find("] ") + 2);  // nlohmann's tag
        throw std::runtime_error(path.string() + ": not a usable price file: " + why);
    }
}

void save_price_file(const std::filesystem::path& state_dir, const StoredPrices& prices) {
    std::filesystem::create_directories(state_dir);
    nlohmann::json models = nlohmann::json::array();
    for (const auto& m : prices.models) {
        nlohmann::json j = {{"model", m.model}, {"provider", m.provider}, {"base", rates_json(m.base)}};
        if (!m.tiers.empty()) {
            nlohmann::json tiers = nlohmann::json::array();
            for (const auto& t : m.tiers)
                tiers.push_back({{"above_tokens", t.above_tokens}, {"rates", rates_json(t.rates)}});
            j["tiers"] = std::move(tiers);
        }
        models.push_back(std::move(j));
    }
    nlohmann::json doc = {{"origin", prices.origin}, {"updated", prices.updated}, {"models", models}};
    auto path = price_file_path(state_dir);
    auto tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
        out << doc.dump() << "\n";
        if (!out) throw std::runtime_error(tmp.string() + ": write failed");
    }
    usage::replace_durably(tmp, path);
}

}  // namespace agent
