// Password hashing (argon2id via libsodium) and random tokens.
#pragma once

#include <string>

namespace tongdai::app {

bool initCrypto();  // sodium_init; false if the library cannot start
std::string hashPassword(const std::string& password);  // argon2id, interactive limits
bool verifyPassword(const std::string& encoded, const std::string& password);
std::string randomToken(std::size_t bytes = 32);  // hex
bool constantTimeEquals(const std::string& a, const std::string& b);

}  // namespace tongdai::app
