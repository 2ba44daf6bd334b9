#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fstream>
#include <stdexcept>
#include <string>

namespace agent::serve {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's reason for the last failure ("no start line", "key values
// mismatch"), which is what a user can act on; the queue is emptied.
std::string openssl_reason() {
    unsigned long code = 0, last = 0;
    while ((code = ERR_get_error()) != 0) last = code;
    const char* reason = last ? ERR_reason_error_string(last) : nullptr;
    return reason ? reason : "unknown error";
}

void require_readable(const std::filesystem::path& file, const char* option) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error(std::string(option) + " " + file.string() + ": cannot read it");
}

}  // namespace

ssl::context make_tls_context(const std::filesystem::path& cert_file, const std::filesystem::path& key_file) {
    require_readable(cert_file, "--tls-cert");
    require_readable(key_file, "--tls-key");
    ssl::context ctx(ssl::context::tls_server);
    SSL_CTX* native = ctx.native_handle();
    // TLS 1.2 and 1.3 only; no renegotiation, no compression (CRIME).
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1)
        throw std::runtime_error("--tls-cert " + cert_file.string() + ": not a PEM certificate chain (" +
                                 openssl_reason() + ")");
    const auto not_its_key = [&] {
        return std::runtime_error("--tls-key " + key_file.string() + ": is not the key of the certificate in " +
                                  cert_file.string());
    };
    if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        const std::string reason = openssl_reason();
        if (reason == "key values mismatch") throw not_its_key();
        throw std::runtime_error("--tls-key " + key_file.string() + ": not a PEM private key (" + reason + ")");
    }
    if (SSL_CTX_check_private_key(native) != 1) throw not_its_key();
    return ctx;
}

}  // namespace agent::serve
