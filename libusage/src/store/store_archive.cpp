// Export and import of a store's rows (store_archive.hpp): the header line,
// then one protocol event per line, merged back through the StoreWriter a
// scan uses. Backup and check, which are SQLite's own, live in
// store/sqlite/sqlite_file_maintenance.cpp.
#include "usage/store/store_archive.hpp"

#include <cerrno>
#include <cstring>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "store/store_backend.hpp"
#include "usage/analytics/analytics.hpp"
#include "usage/os/wall_clock.hpp"

namespace usage {
namespace {

using nlohmann::json;

// Rows per transaction on import: large enough that commits cost nothing
// next to the rows, small enough that a failure loses little work.
constexpr std::size_t kImportBatchRows = 5000;
constexpr std::size_t kMaxProblemsKept = 10;
// The key of a ledger line: `{"session_cost": {...}}`, written after the rows.
constexpr const char* kSessionCostKey = "session_cost";

// A ledger line as export_store writes it (compact, the key first).
bool is_session_cost_line(const std::string& line) {
    const std::string head = std::string("{\"") + kSessionCostKey + "\":";
    const auto start = line.find_first_not_of(" \t");
    return start != std::string::npos && line.compare(start, head.size(), head) == 0;
}

SessionCost read_session_cost_line(const std::string& line) {
    const json doc = json::parse(line, nullptr, false);
    if (!doc.is_object() || doc.size() != 1) throw sync::ProtocolError("a session cost line must be one object");
    return sync::decode_session_cost(doc.at(kSessionCostKey).dump());
}

sync::MachineInfo wire_machine(const MachineDetails& m) {
    return {m.id, m.name, m.os, m.time_zone, m.agent_version};
}

MachineDetails stored_machine(const sync::MachineInfo& m) {
    return {m.id, m.name, m.os, m.time_zone, m.agent_version};
}

std::string header_line(const Store& store, const std::vector<MachineDetails>& machines) {
    json list = json::array();
    for (const auto& m : machines) list.push_back(json::parse(sync::encode_machine(wire_machine(m))));
    return json{{"format", kExportFormat},
                {"version", kExportVersion},
                {"exported", format_utc_ms(unix_now_ms())},
                {"schema_version", store.schema_version()},
                {"machine_id", store.machine_id()},
                {"machines", std::move(list)}}
        .dump(-1, ' ', false, json::error_handler_t::replace);
}

// The header's machines; throws naming `name` when the line is not a header.
std::vector<MachineDetails> read_header(const std::string& line, const std::string& name) {
    const std::string not_export = name + ": not a usage-agent store export (its first line is not the header)";
    const json h = json::parse(line, nullptr, false);
    if (!h.is_object()) throw std::runtime_error(not_export);
    auto format = h.find("format");
    if (format == h.end() || *format != kExportFormat) throw std::runtime_error(not_export);
    auto version = h.find("version");
    if (version == h.end() || !version->is_number_integer()) throw std::runtime_error(name + ": line 1: no 'version'");
    if (version->get<std::int64_t>() != kExportVersion)
        throw std::runtime_error(name + ": export version " + version->dump() + " is not one this usage-agent reads (" +
                                 std::to_string(kExportVersion) + "); upgrade usage-agent");
    std::vector<MachineDetails> out;
    auto machines = h.find("machines");
    if (machines == h.end()) return out;
    if (!machines->is_array()) throw std::runtime_error(name + ": line 1: 'machines' must be an array");
    for (std::size_t i = 0; i < machines->size(); ++i) {
        try {
            out.push_back(stored_machine(sync::decode_machine((*machines)[i].dump())));
        } catch (const sync::ProtocolError& e) {
            throw std::runtime_error(name + ": line 1: machines[" + std::to_string(i) + "]: " + e.what());
        }
    }
    return out;
}

}  // namespace

ExportStats export_store(const Store& store, std::ostream& out, const std::function<void(std::uint64_t)>& progress) {
    const auto& backend = store.backend();
    const auto machines = backend.machines();
    ExportStats stats;
    stats.machines = machines.size();
    out << header_line(store, machines) << '\n';
    backend.each_row([&](const sync::WireEvent& w) {
        out << sync::encode_stored_event(w) << '\n';
        if (!out) throw std::runtime_error("cannot write the export: " + std::string(std::strerror(errno)));
        ++stats.rows.rows;
        if (w.superseded)
            ++stats.rows.superseded;
        else if (!w.event.failure.empty())
            ++stats.rows.failed;
        if (progress && stats.rows.rows % 4096 == 0) progress(stats.rows.rows);
    });
    for (const auto& cost : store.session_costs()) {
        out << "{\"" << kSessionCostKey << "\":" << sync::encode_session_cost(cost) << "}\n";
        ++stats.session_costs;
    }
    out.flush();
    if (!out) throw std::runtime_error("cannot write the export: " + std::string(std::strerror(errno)));
    if (progress) progress(stats.rows.rows);
    return stats;
}

StoreImportStats import_store(Store& store, std::istream& in, const std::string& name,
                              const std::function<void(std::uint64_t)>& progress) {
    StoreImportStats stats;
    std::string line;
    if (!std::getline(in, line)) throw std::runtime_error(name + ": empty: not a usage-agent store export");
    std::uint64_t bytes = line.size() + 1;
    const auto machines = read_header(line, name);
    stats.machines = machines.size();

    // One writer for the whole file, committing every kImportBatchRows rows:
    // its stats add up over the commits, and the machines land in the first.
    StoreWriter writer(store);
    for (const auto& m : machines) writer.record_machine(m);
    FileBatch batch;
    std::vector<std::string> superseded;
    auto flush = [&] {
        writer.add(batch);
        for (const auto& id : superseded) writer.mark_superseded(id);
        writer.commit();
        batch.events.clear();
        superseded.clear();
        if (progress) progress(bytes);
    };
    std::uint64_t line_no = 1;
    while (std::getline(in, line)) {
        ++line_no;
        bytes += line.size() + 1;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            if (is_session_cost_line(line)) {
                const SessionCost cost = read_session_cost_line(line);
                ++stats.session_costs;
                if (store.record_session_cost(cost)) ++stats.session_costs_changed;
                continue;
            }
            sync::WireEvent w = sync::decode_stored_event(line);
            if (w.superseded) superseded.push_back(w.event.id);
            batch.events.push_back(std::move(w.event));
            ++stats.rows_read;
        } catch (const sync::ProtocolError& e) {
            ++stats.invalid;
            if (stats.problems.size() < kMaxProblemsKept)
                stats.problems.push_back("line " + std::to_string(line_no) + ": " + e.what());
        }
        if (batch.events.size() >= kImportBatchRows) flush();
    }
    if (in.bad()) throw std::runtime_error(name + ": read error after line " + std::to_string(line_no));
    flush();
    stats.applied = writer.stats();
    return stats;
}

}  // namespace usage
