#include "core/error.h"

namespace flamingo {

FileError::FileError(const std::string& path, const std::string& problem)
    : Error(path + ": " + problem), path_(path) {}

}  // namespace flamingo
