#include "store/sqlite/event_row.hpp"

namespace usage::detail {

sync::WireEvent read_event_row(SQLite::Statement& st, int first) {
    sync::WireEvent w;
    UsageEvent& e = w.event;
    int c = first;
    for (std::string* s : {&e.id, &e.source, &e.session_id, &e.parent_session_id, &e.model, &e.pricing_model})
        *s = st.getColumn(c++).getString();
    e.model_guessed = st.getColumn(c++).getInt() != 0;
    e.aggregate = st.getColumn(c++).getInt() != 0;
    for (std::string* s : {&e.provider, &e.project_name, &e.project_path, &e.git_branch, &e.surface, &e.machine_id})
        *s = st.getColumn(c++).getString();
    e.timestamp_ms = st.getColumn(c++).getInt64();
    for (std::int64_t* v : {&e.tokens.input, &e.tokens.output, &e.tokens.reasoning, &e.tokens.cache_read,
                            &e.tokens.cache_write_5m, &e.tokens.cache_write_1h})
        *v = st.getColumn(c++).getInt64();
    if (!st.getColumn(c).isNull()) e.reported_cost_micros = st.getColumn(c).getInt64();
    ++c;
    if (!st.getColumn(c).isNull()) e.cost_micros = st.getColumn(c).getInt64();
    ++c;
    e.cost_origin = static_cast<CostOrigin>(st.getColumn(c++).getInt());
    e.dedup_group = st.getColumn(c++).getString();
    e.replay = st.getColumn(c++).getInt() != 0;
    w.superseded = st.getColumn(c++).getInt() != 0;
    w.revision = st.getColumn(c++).getInt64();
    e.repository = st.getColumn(c++).getString();
    e.failure = st.getColumn(c++).getString();
    e.user = st.getColumn(c++).getString();
    return w;
}

}  // namespace usage::detail
