#include "ingest_handler.hpp"

#include <algorithm>
#include <cctype>

#include "limits.hpp"
#include "metrics/agent_metrics.hpp"
#include "usage/net/gzip.hpp"
#include "usage/sync/ingest.hpp"
#include "usage/sync/protocol.hpp"

namespace agent::serve {
namespace {

std::string lower_trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace

Response handle_ingest(const Request& req, usage::Store& store, const std::string& user) {
    const std::string encoding = lower_trimmed(view(req[http::field::content_encoding]));
    std::string inflated;
    std::string_view json = req.body();
    if (encoding == "gzip" || encoding == "x-gzip") {
        try {
            inflated = usage::gzip_decompress(req.body(), kMaxInflatedBytes);
        } catch (const usage::GzipTooLarge&) {
            return error_response(
                req, http::status::payload_too_large,
                "the body expands beyond " + std::to_string(kMaxInflatedBytes >> 20) + " MiB; send smaller batches");
        } catch (const usage::GzipError& e) {
            return error_response(req, http::status::bad_request, e.what());
        }
        json = inflated;
    } else if (!encoding.empty() && encoding != "identity") {
        return error_response(req, http::status::unsupported_media_type,
                              "unsupported Content-Encoding '" + encoding + "' (use gzip or identity)");
    }

    usage::sync::IngestBatch batch;
    try {
        batch = usage::sync::decode_batch(json);
    } catch (const usage::sync::ProtocolError& e) {
        return error_response(req, http::status::bad_request, e.what());
    }
    if (batch.events.size() > kMaxEventsPerBatch)
        return error_response(req, http::status::payload_too_large,
                              "the batch has " + std::to_string(batch.events.size()) + " events; at most " +
                                  std::to_string(kMaxEventsPerBatch) + " per request");

    const usage::sync::IngestResult result = usage::sync::ingest_batch(store, batch, user);
    metrics::record_ingest(result);
    Response res = json_response(req, http::status::ok, nlohmann::json{});
    res.body() = usage::sync::encode_result(result);
    return res;
}

}  // namespace agent::serve
