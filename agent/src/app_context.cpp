#include "app_context.hpp"

#include <iostream>

#include "price_file_store.hpp"
#include "usage/store/store_location.hpp"

namespace agent {

AppContext::AppContext(const GlobalOptions& options) : env_(usage::Environment::from_process()) {
    state_dir_ = options.state_dir.empty() ? usage::default_state_dir(env_) : std::filesystem::path(options.state_dir);
    config_path_ =
        options.config_path.empty() ? usage::default_config_path(env_) : std::filesystem::path(options.config_path);
    if (!options.config_path.empty() && !std::filesystem::exists(config_path_))
        throw usage::ConfigError(config_path_.string() + ": no such config file");
    config_ = usage::load_config(config_path_, env_);
    // A price file only refines prices: one that cannot be used must not
    // stop a command (least of all `prices update`, which replaces it).
    try {
        if (auto stored = load_price_file(state_dir_)) prices_.set_price_file(std::move(stored->models));
    } catch (const std::runtime_error& e) {
        std::cerr << "warning: " << e.what()
                  << ": ignored, using the built-in prices (`usage-agent prices update` replaces it)\n";
    }
    prices_.set_overrides(config_.price_overrides);
}

usage::Store& AppContext::store() {
    if (!store_) {
        store_ = std::make_unique<usage::Store>(state_dir_);
        store_->use_prices(prices_);
    }
    return *store_;
}

std::unique_ptr<usage::Store> AppContext::open_store(const usage::StoreLocation& location) const {
    auto store = std::make_unique<usage::Store>(location);
    store->use_prices(prices_);
    return store;
}

}  // namespace agent
