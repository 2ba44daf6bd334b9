#include "app_context.hpp"

#include "price_file_store.hpp"

namespace agent {

AppContext::AppContext(const GlobalOptions& options) : env_(usage::Environment::from_process()) {
    state_dir_ = options.state_dir.empty() ? usage::default_state_dir(env_) : std::filesystem::path(options.state_dir);
    config_path_ =
        options.config_path.empty() ? usage::default_config_path(env_) : std::filesystem::path(options.config_path);
    if (!options.config_path.empty() && !std::filesystem::exists(config_path_))
        throw usage::ConfigError(config_path_.string() + ": no such config file");
    config_ = usage::load_config(config_path_, env_);
    if (auto stored = load_price_file(state_dir_)) prices_.set_price_file(std::move(stored->models));
    prices_.set_overrides(config_.price_overrides);
}

usage::Store& AppContext::store() {
    if (!store_) {
        store_ = std::make_unique<usage::Store>(state_dir_);
        store_->use_prices(prices_);
    }
    return *store_;
}

}  // namespace agent
