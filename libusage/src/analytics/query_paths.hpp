// run_query's two ways to read, for the tests and the benchmark that check
// they agree and how fast each is.
#pragma once

#include "usage/analytics/analytics.hpp"

namespace usage::detail {

enum class ReadPath {
    planned,  ///< whole hours from the rollup, the rest from the events (run_query)
    events,   ///< every matching event (the reference the rollup must equal)
};

Report run_query_via(const Store& store, const Query& query, bool with_models, ReadPath path);

}  // namespace usage::detail
