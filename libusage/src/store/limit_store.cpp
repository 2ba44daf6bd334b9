// The limit snapshots behind usage/store/limit_store.hpp: checks at the edge,
// then the backend's table.
#include "usage/store/limit_store.hpp"

#include <stdexcept>

#include "store/store_backend.hpp"

namespace usage {

bool record_limit(Store& store, const LimitSnapshot& snapshot) {
    if (snapshot.source.empty()) throw std::invalid_argument("a limit snapshot needs a source");
    if (snapshot.window.empty()) throw std::invalid_argument("a limit snapshot needs a window name");
    return store.backend().record_limit(snapshot);
}

std::vector<LimitSnapshot> stored_limits(const Store& store) {
    return store.backend().limits();
}

}  // namespace usage
