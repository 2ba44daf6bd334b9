// The TLS side of `serve --tls-cert FILE --tls-key FILE`: a server context
// holding the certificate chain and its key, TLS 1.2 and later only.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>

namespace agent::serve {

/// Load the PEM certificate chain (the server's certificate first, then any
/// intermediates) and its PEM private key. Throws std::runtime_error with
/// one line naming the file and what is wrong: unreadable, not PEM, or a key
/// that is not the certificate's.
boost::asio::ssl::context make_tls_context(const std::filesystem::path& cert_file,
                                           const std::filesystem::path& key_file);

}  // namespace agent::serve
