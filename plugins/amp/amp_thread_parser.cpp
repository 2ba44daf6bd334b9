// simdjson on-demand walk of a thread document. Message content (the bulk of
// the file) is skipped structurally; only ids, usage objects, the ledger and
// the first workspace tree are read.
#include "amp_thread_parser.hpp"

#include <simdjson.h>

#include <string_view>

#include "usage/scan/ondemand_values.hpp"

namespace usage::plugins::amp {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

constexpr auto str_of = detail::ondemand_str;

struct Reader {
    const char* base;

    void keep_bad(const detail::BadNumber& bad, AmpBadNumber& out) const {
        if (!bad.found() || out.found()) return;
        out = {std::string(bad.field), std::string(bad.value), std::string(bad.rule),
               bad.at ? static_cast<std::uint64_t>(bad.at - base) : 0};
    }
};

// A number or a string id, as text.
std::string id_text(od::value v) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) == simdjson::SUCCESS) return std::to_string(n);
    return std::string(str_of(v));
}

error_code read_message_usage(od::object usage, AmpMessageUsage& u, detail::BadNumber& bad) {
    for (auto field : usage) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "model")
            u.model = str_of(field.value());
        else if (key == "timestamp")
            u.timestamp = str_of(field.value());
        else if (key == "inputTokens")
            detail::ondemand_token_count(field.value(), u.input, "messages[].usage.inputTokens", bad);
        else if (key == "outputTokens")
            detail::ondemand_token_count(field.value(), u.output, "messages[].usage.outputTokens", bad);
        else if (key == "cacheCreationInputTokens")
            detail::ondemand_token_count(field.value(), u.cache_write, "messages[].usage.cacheCreationInputTokens",
                                         bad);
        else if (key == "cacheReadInputTokens")
            detail::ondemand_token_count(field.value(), u.cache_read, "messages[].usage.cacheReadInputTokens", bad);
    }
    return simdjson::SUCCESS;
}

error_code read_messages(od::array messages, const Reader& reader, AmpThread& out) {
    for (auto element : messages) {
        od::object obj;
        if (element.get_object().get(obj) != simdjson::SUCCESS) continue;
        AmpMessage m;
        for (auto field : obj) {
            std::string_view key;
            if (auto err = field.unescaped_key().get(key)) return err;
            if (key == "messageId")
                m.message_id = id_text(field.value());
            else if (key == "role")
                m.role = str_of(field.value());
            else if (key == "usage") {
                od::object usage;
                if (field.value().get_object().get(usage) != simdjson::SUCCESS) continue;
                AmpMessageUsage u;
                detail::BadNumber bad;
                if (auto err = read_message_usage(usage, u, bad)) return err;
                reader.keep_bad(bad, u.bad);
                m.usage = std::move(u);
            }
        }
        out.messages.push_back(std::move(m));
    }
    return simdjson::SUCCESS;
}

error_code read_ledger_event(od::object obj, const Reader& reader, AmpLedgerEvent& e) {
    detail::BadNumber bad;
    for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "id")
            e.id = id_text(field.value());
        else if (key == "timestamp")
            e.timestamp = str_of(field.value());
        else if (key == "model")
            e.model = str_of(field.value());
        else if (key == "toMessageId")
            e.to_message_id = id_text(field.value());
        else if (key == "tokens") {
            od::object tokens;
            if (field.value().get_object().get(tokens) != simdjson::SUCCESS) continue;
            for (auto t : tokens) {
                std::string_view k;
                if (auto err = t.unescaped_key().get(k)) return err;
                if (k == "input")
                    detail::ondemand_token_count(t.value(), e.input, "usageLedger.events[].tokens.input", bad);
                else if (k == "output")
                    detail::ondemand_token_count(t.value(), e.output, "usageLedger.events[].tokens.output", bad);
            }
        }
    }
    reader.keep_bad(bad, e.bad);
    return simdjson::SUCCESS;
}

error_code read_ledger(od::object ledger, const Reader& reader, AmpThread& out) {
    for (auto field : ledger) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key != "events") continue;
        od::array events;
        if (field.value().get_array().get(events) != simdjson::SUCCESS) continue;
        out.has_ledger = true;
        for (auto element : events) {
            od::object obj;
            if (element.get_object().get(obj) != simdjson::SUCCESS) continue;
            AmpLedgerEvent e;
            if (auto err = read_ledger_event(obj, reader, e)) return err;
            out.ledger.push_back(std::move(e));
        }
    }
    return simdjson::SUCCESS;
}

// env.initial.trees[0].uri: the workspace the thread started in.
error_code read_env(od::object env, AmpThread& out) {
    for (auto field : env) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key != "initial") continue;
        od::object initial;
        if (field.value().get_object().get(initial) != simdjson::SUCCESS) continue;
        for (auto f : initial) {
            std::string_view k;
            if (auto err = f.unescaped_key().get(k)) return err;
            if (k != "trees") continue;
            od::array trees;
            if (f.value().get_array().get(trees) != simdjson::SUCCESS) continue;
            for (auto tree : trees) {
                od::object t;
                if (tree.get_object().get(t) != simdjson::SUCCESS) continue;
                for (auto tf : t) {
                    std::string_view tk;
                    if (auto err = tf.unescaped_key().get(tk)) return err;
                    if (tk == "uri" && out.first_tree_uri.empty()) out.first_tree_uri = str_of(tf.value());
                }
            }
        }
    }
    return simdjson::SUCCESS;
}

error_code read_thread(od::parser& parser, char* data, std::size_t size, std::size_t capacity, AmpThread& out) {
    od::document doc;
    if (auto err = parser.iterate(simdjson::padded_string_view(data, size, capacity)).get(doc)) return err;
    od::object root;
    if (auto err = doc.get_object().get(root)) return err;
    const Reader reader{data};
    for (auto field : root) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        if (key == "id") {
            out.id = str_of(field.value());
        } else if (key == "created") {
            out.created_ms = detail::ondemand_int(field.value());
        } else if (key == "env") {
            od::object env;
            if (field.value().get_object().get(env) == simdjson::SUCCESS)
                if (auto err = read_env(env, out)) return err;
        } else if (key == "messages") {
            od::array messages;
            if (field.value().get_array().get(messages) == simdjson::SUCCESS)
                if (auto err = read_messages(messages, reader, out)) return err;
        } else if (key == "usageLedger") {
            od::object ledger;
            if (field.value().get_object().get(ledger) == simdjson::SUCCESS)
                if (auto err = read_ledger(ledger, reader, out)) return err;
        }
    }
    return simdjson::SUCCESS;
}

}  // namespace

bool parse_amp_thread(char* data, std::size_t size, std::size_t capacity, AmpThread& out) {
    od::parser parser;
    return read_thread(parser, data, size, capacity, out) == simdjson::SUCCESS;
}

}  // namespace usage::plugins::amp
