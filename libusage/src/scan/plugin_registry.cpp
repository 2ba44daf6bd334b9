// The plugin registry: built once from the CMake-generated table. This is
// the one piece of global state the project allows.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "usage/scan/source.hpp"

namespace usage {

std::vector<std::unique_ptr<SourcePlugin>> make_plugin_table();  // generated

const std::vector<std::unique_ptr<SourcePlugin>>& source_plugins() {
    static const std::vector<std::unique_ptr<SourcePlugin>> table = make_plugin_table();
    return table;
}

ScanResult SourcePlugin::import_file(std::string_view importer, const std::filesystem::path& file) const {
    throw std::runtime_error(file.string() + ": source '" + std::string(name()) + "' has no importer '" +
                             std::string(importer) + "'");
}

const SourcePlugin* find_source_plugin(std::string_view name) {
    for (const auto& p : source_plugins())
        if (p->name() == name) return p.get();
    return nullptr;
}

std::vector<SourceModelMapping> model_name_mappings(std::string_view model) {
    std::vector<SourceModelMapping> out;
    for (const auto& p : source_plugins()) {
        auto mapped = p->map_model_name(model);
        if (mapped && !mapped->pricing_model.empty() && mapped->pricing_model != model)
            out.push_back({std::string(p->name()), std::move(*mapped)});
    }
    return out;
}

}  // namespace usage
