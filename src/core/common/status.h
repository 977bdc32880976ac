// Status-style results for expected failures (LevelDB habit): no exceptions
// cross a core API for things a user can cause. An Error carries a stable
// machine code, the input field at fault (if one is), and the message in
// Vietnamese and English so the shell can answer in the caller's language.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tongdai::core {

struct Error {
  std::string code;        // stable, snake_case: "citizen_id_length"
  std::string message_vi;  // shown to Vietnamese operators (NFC, full diacritics)
  std::string message_en;  // second UI language
  std::string field;       // input field at fault, "" if none
};

inline Error makeError(std::string code, std::string vi, std::string en,
                       std::string field = "") {
  return Error{std::move(code), std::move(vi), std::move(en), std::move(field)};
}

// Result<T>: either a value or an Error. Small on purpose.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: Result without a value.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace tongdai::core
