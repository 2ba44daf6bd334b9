// The price file that `prices update` saves in the state dir. It is stored
// already parsed (compact JSON of priced models only), so every run loads it
// in milliseconds instead of re-reading LiteLLM's 1.6 MB document.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "usage/pricing/pricing.hpp"

namespace agent {

struct StoredPrices {
    std::string origin;   ///< file path or URL it came from
    std::string updated;  ///< ISO-8601 UTC
    std::vector<usage::ModelPrice> models;
};

std::filesystem::path price_file_path(const std::filesystem::path& state_dir);
/// The stored prices; nullopt when there is no price file. Throws
/// std::runtime_error naming the path and the reason when it cannot be read
/// or is not a price file this version wrote (damaged, edited, a rate that is
/// not a price).
std::optional<StoredPrices> load_price_file(const std::filesystem::path& state_dir);
/// Write atomically (temp file + rename).
void save_price_file(const std::filesystem::path& state_dir, const StoredPrices& prices);

}  // namespace agent
