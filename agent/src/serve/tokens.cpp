#include "tokens.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace agent::serve {
namespace {

constexpr std::size_t kRandomBytes = 32;
constexpr std::size_t kPrefixLength = 9;

std::string base64url(const unsigned char* data, std::size_t size) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (std::size_t i = 0; i < size; ++i) {
        bits = (bits << 8) | data[i];
        count += 8;
        while (count >= 6) {
            count -= 6;
            out += alphabet[(bits >> count) & 63];
        }
    }
    if (count > 0) out += alphabet[(bits << (6 - count)) & 63];
    return out;  // unpadded, as in RFC 7515
}

struct DigestContext {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

}  // namespace

std::string new_token() {
    std::array<unsigned char, kRandomBytes> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("cannot make a token: the system random generator failed");
    return "ua_" + base64url(bytes.data(), bytes.size());
}

std::string token_hash(std::string_view token) {
    DigestContext d;
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (!d.ctx || EVP_DigestInit_ex(d.ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(d.ctx.get(), token.data(), token.size()) != 1 ||
        EVP_DigestFinal_ex(d.ctx.get(), digest.data(), &length) != 1)
        throw std::runtime_error("SHA-256 failed (OpenSSL)");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string token_prefix(std::string_view token) {
    return std::string(token.substr(0, kPrefixLength));
}

}  // namespace agent::serve
