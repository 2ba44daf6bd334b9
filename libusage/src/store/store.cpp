// usage::Store, the facade: picks the backend for a location and keeps what
// is the same for every engine - when to re-price, the token functions -
// out of the backends.
#include "usage/store/store.hpp"

#include <stdexcept>

#include "store/sqlite/sqlite_backend.hpp"
#include "store/store_backend.hpp"
#include "usage/config/environment.hpp"
#include "usage/store/store_location.hpp"
#include "usage/store/token_store.hpp"
#ifdef USAGE_WITH_POSTGRES
#include "store/postgres/pg_backend.hpp"
#endif

namespace usage {
namespace {

std::unique_ptr<detail::StoreBackend> open_backend(const StoreLocation& location) {
    if (location.kind == StoreLocation::Kind::sqlite)
        return std::make_unique<detail::SqliteBackend>(location.sqlite_dir);
#ifdef USAGE_WITH_POSTGRES
    return std::make_unique<pg::PgBackend>(location.postgres_uri);
#else
    throw std::runtime_error(location.display() +
                             ": this usage-agent was built without PostgreSQL (USAGE_WITH_POSTGRES=OFF)");
#endif
}

}  // namespace

std::filesystem::path default_state_dir(const Environment& env) {
    if (auto dir = env.get("USAGE_AGENT_STATE_DIR")) return *dir;
    // Set but empty is a mistake (a script's unset variable), not a request
    // for the default store: writing there would split the user's history.
    if (env.is_set("USAGE_AGENT_STATE_DIR"))
        throw std::invalid_argument("USAGE_AGENT_STATE_DIR is set but empty: set it to a folder or unset it");
    return env.xdg_home("STATE") / "usage-agent";
}

Store::Store(const std::filesystem::path& dir) : backend_(std::make_unique<detail::SqliteBackend>(dir)) {}

Store::Store(const StoreLocation& location) : backend_(open_backend(location)) {}

Store::~Store() = default;

std::string Store::display() const {
    return backend_->display();
}
int Store::schema_version() const {
    return backend_->schema_version();
}
bool Store::concurrent_writers() const {
    return backend_->concurrent_writers();
}
std::string Store::machine_id() const {
    return meta("machine_id").value_or("");
}
void Store::record_machine(const std::string& id, const std::string& name) {
    backend_->record_machine(id, name);
}

void Store::use_prices(const PriceBook& prices) {
    prices_ = &prices;
    if (meta("price_fingerprint") != prices.fingerprint()) backend_->reprice_all(prices);
}

const PriceBook& Store::prices() const {
    if (!prices_) throw std::logic_error("Store::prices called before use_prices");
    return *prices_;
}

std::optional<FileCursor> Store::cursor(const std::string& source, const std::filesystem::path& path) const {
    return backend_->cursor(source, path);
}
std::vector<std::pair<std::string, FileCursor>> Store::cursors(const std::string& source) const {
    return backend_->cursors(source);
}
std::int64_t Store::file_count(const std::string& source) const {
    return backend_->file_count(source);
}
void Store::forget_cursors(const std::string& source) {
    backend_->forget_cursors(source);
}
std::map<std::string, std::int64_t> Store::events_by_source() const {
    return backend_->events_by_source();
}
void Store::release_memory() {
    backend_->release_memory();
}
std::vector<std::pair<std::string, std::int64_t>> Store::unpriced_models() const {
    return backend_->unpriced_models();
}
std::optional<std::string> Store::meta(const std::string& key) const {
    return backend_->meta(key);
}
void Store::set_meta(const std::string& key, const std::string& value) {
    backend_->set_meta(key, value);
}

bool Store::record_session_cost(const SessionCost& cost) {
    if (cost.session_id.empty()) throw std::invalid_argument("a session cost needs a session id");
    if (cost.cost_micros < 0) throw std::invalid_argument("a session cost cannot be negative");
    return backend_->record_session_cost(cost);
}
std::optional<SessionCost> Store::session_cost(const std::string& source, const std::string& session_id) const {
    return backend_->session_cost(source, session_id);
}
std::vector<SessionCost> Store::session_costs() const {
    return backend_->session_costs();
}
void Store::record_budget_delivery(const BudgetDelivery& delivery) {
    backend_->record_budget_delivery(delivery);
}
std::vector<BudgetDelivery> Store::budget_deliveries(const std::string& budget, std::int64_t period_start_ms) const {
    return backend_->budget_deliveries(budget, period_start_ms);
}
void Store::set_lock_wait_ms(int ms) {
    backend_->set_lock_wait_ms(ms);
}
void Store::skip_checkpoint_on_close() {
    backend_->skip_checkpoint_on_close();
}

ApplyStats Store::apply(const std::vector<FileBatch>& batches) {
    StoreWriter writer(*this);
    for (const auto& b : batches) writer.add(b);
    writer.commit();
    return writer.stats();
}

StoreWriter::StoreWriter(Store& store) : writer_(store.backend().writer(store.prices())) {}
StoreWriter::~StoreWriter() = default;
void StoreWriter::add(const FileBatch& batch) {
    writer_->add(batch);
}
void StoreWriter::record_machine(const MachineDetails& machine) {
    writer_->record_machine(machine);
}
void StoreWriter::add_coverage(const std::string& source, std::int64_t from_ms, std::int64_t to_ms) {
    writer_->add_coverage(source, from_ms, to_ms);
}
void StoreWriter::mark_superseded(const std::string& id) {
    writer_->supersede(id);
}
void StoreWriter::commit() {
    writer_->commit();
}
const ApplyStats& StoreWriter::stats() const {
    return writer_->stats();
}

std::int64_t add_token(Store& store, const std::string& hash, const std::string& prefix, const std::string& user,
                       const std::string& role, std::int64_t now_ms) {
    return store.backend().add_token(hash, prefix, user, role, now_ms);
}
std::optional<TokenRecord> find_token(const Store& store, const std::string& hash) {
    return store.backend().find_token(hash);
}
std::vector<TokenRecord> list_tokens(const Store& store) {
    return store.backend().list_tokens();
}
bool revoke_token(Store& store, std::int64_t id, std::int64_t now_ms) {
    return store.backend().revoke_token(id, now_ms);
}

}  // namespace usage
