#pragma once
// A minimal interpreter for Python's pickle protocol 2 (the opcodes are those
// of CPython's Lib/pickletools.py), enough to read what torch.save and
// torch.jit.save write: containers, scalars, strings, globals, REDUCE/NEWOBJ/
// BUILD and BINPERSID. It never runs code: a global is only a name, and
// REDUCE of a name it does not know yields an Object holding the name and the
// arguments, for the caller to interpret. No LibTorch here.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace flamingo {

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

struct PyValue {
  enum class Kind { kNone, kBool, kInt, kFloat, kString, kBytes, kTuple, kList, kDict,
                    kGlobal, kObject, kPersistent };
  Kind kind = Kind::kNone;
  int64_t i = 0;   // kBool, kInt
  double f = 0;    // kFloat
  std::string s;   // kString, kBytes; kGlobal and kObject: "module.name"
  std::vector<PyRef> items;                       // kTuple, kList; kObject: REDUCE args
  std::vector<std::pair<PyRef, PyRef>> dict;      // kDict; kObject: BUILD state if a dict
  PyRef state;     // kObject: the BUILD state when it is not a dict
  PyRef payload;   // kPersistent: the persistent id; or a value made by the callback

  bool is(Kind k) const { return kind == k; }
  // The value of dict entry `key` (a string key), or nullptr.
  PyRef get(const std::string& key) const;
};

// Turns REDUCE(callable, args) into a value: returns nullptr to keep the
// generic Object. `persistent_load` resolves BINPERSID ids.
struct PickleHooks {
  std::function<PyRef(const std::string& callable, const PyRef& args)> reduce;
  std::function<PyRef(const PyRef& pid)> persistent_load;
};

// Runs the pickle in data[0, size) to its STOP. Malformed input (unknown
// opcode, truncation, stack underflow, a bad memo index) is a FileError naming
// `file_name`.
PyRef read_pickle(const uint8_t* data, size_t size, const std::string& file_name,
                  const PickleHooks& hooks);

PyRef make_value(PyValue::Kind kind);

}  // namespace flamingo
