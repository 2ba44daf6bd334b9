// The session cost ledger's part of a push: the figures recorded since the
// endpoint last acknowledged some, sent with the first batch of a push (or
// alone when no event waits). The mark is the largest `updated_ms` an
// endpoint acknowledged, kept in meta per endpoint URL.
#pragma once

#include <string>
#include <vector>

#include "usage/store/store.hpp"

namespace usage::sync {

/// The ledger figures `endpoint` has not acknowledged yet.
std::vector<SessionCost> unsent_session_costs(const Store& store, const std::string& endpoint);
/// `endpoint` acknowledged `sent`: later pushes send only figures recorded after them.
void acknowledge_session_costs(Store& store, const std::string& endpoint, const std::vector<SessionCost>& sent);

}  // namespace usage::sync
