// Everything a command needs, built once from the global options: the
// environment, the config, the price book (built-in + stored price file +
// overrides) and, on demand, the store.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "usage/config/config.hpp"
#include "usage/config/environment.hpp"
#include "usage/pricing/pricing.hpp"
#include "usage/store/store.hpp"

namespace agent {

struct GlobalOptions {
    std::string state_dir;    ///< --state-dir
    std::string config_path;  ///< --config
};

class AppContext {
public:
    explicit AppContext(const GlobalOptions& options);

    [[nodiscard]] const usage::Environment& env() const { return env_; }
    [[nodiscard]] const usage::Config& config() const { return config_; }
    [[nodiscard]] const usage::PriceBook& prices() const { return prices_; }
    [[nodiscard]] const std::filesystem::path& state_dir() const { return state_dir_; }
    [[nodiscard]] const std::filesystem::path& config_path() const { return config_path_; }
    /// The store, opened (and re-priced if prices changed) on first use.
    usage::Store& store();
    /// Another store (serve --store), opened and priced like store().
    [[nodiscard]] std::unique_ptr<usage::Store> open_store(const usage::StoreLocation& location) const;
    [[nodiscard]] bool store_open() const { return store_ != nullptr; }
    [[nodiscard]] std::filesystem::path store_path() const { return state_dir_ / "usage.db"; }

private:
    usage::Environment env_;
    std::filesystem::path state_dir_;
    std::filesystem::path config_path_;
    usage::Config config_;
    usage::PriceBook prices_;
    std::unique_ptr<usage::Store> store_;
};

}  // namespace agent
