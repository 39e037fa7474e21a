#pragma once
// Errors of the model runtime. Every message names the file or value at fault and
// says what is wrong with it, in words a user can act on.
#include <stdexcept>
#include <string>

namespace flamingo {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file that is missing, unreadable or malformed (weights, config, tokenizer, media).
class FileError : public Error {
 public:
  FileError(const std::string& path, const std::string& problem);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A value the user gave (a flag, a setting, a prompt) that cannot be used.
class ArgumentError : public Error {
 public:
  using Error::Error;
};

}  // namespace flamingo
