#include "core/pickle_reader.h"

#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "core/error.h"

namespace flamingo {
namespace {

using Kind = PyValue::Kind;

// Opcodes of protocols 0-4 that torch.save / torch.jit.save emit (names as in
// CPython's Lib/pickletools.py).
enum Op : uint8_t {
  MARK = '(', EMPTY_TUPLE = ')', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2',
  BINBYTES = 'B', SHORT_BINBYTES = 'C', BINFLOAT = 'G', BININT = 'J', BININT1 = 'K',
  BININT2 = 'M', NONE = 'N', BINPERSID = 'Q', REDUCE = 'R', BINUNICODE = 'X',
  EMPTY_LIST = ']', APPEND = 'a', BUILD = 'b', GLOBAL = 'c', APPENDS = 'e', BINGET = 'h',
  LONG_BINGET = 'j', BINPUT = 'q', LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't',
  SETITEMS = 'u', EMPTY_DICT = '}', PROTO = 0x80, NEWOBJ = 0x81, TUPLE1 = 0x85,
  TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a,
  SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, STACK_GLOBAL = 0x93,
  MEMOIZE = 0x94, FRAME = 0x95,
};

class Machine {
 public:
  Machine(const uint8_t* data, size_t size, const std::string& file, const PickleHooks& hooks)
      : p_(data), end_(data + size), file_(file), hooks_(hooks) {}

  PyRef run() {
    for (;;) {
      const uint8_t op = byte();
      if (op == STOP) {
        if (stack_.size() != 1 || !marks_.empty()) fail("STOP with an unbalanced stack");
        return stack_.back();
      }
      step(op);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw FileError(file_, "malformed pickle: " + problem);
  }
  const uint8_t* take(uint64_t n) {
    if (n > static_cast<uint64_t>(end_ - p_)) fail("truncated (an opcode's argument runs past the end)");
    const uint8_t* at = p_;
    p_ += n;
    return at;
  }
  uint8_t byte() { return *take(1); }
  uint64_t uint_le(int n) {
    const uint8_t* b = take(n);
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[i];
    return v;
  }
  std::string text(uint64_t n) {
    const uint8_t* b = take(n);
    return std::string(reinterpret_cast<const char*>(b), n);
  }
  std::string line() {
    const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(p_, '\n', end_ - p_));
    if (nl == nullptr) fail("truncated GLOBAL name");
    std::string s(reinterpret_cast<const char*>(p_), nl - p_);
    p_ = nl + 1;
    return s;
  }

  PyRef pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    PyRef v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PyRef& top() {
    if (stack_.size() <= floor()) fail("stack underflow");
    return stack_.back();
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<PyRef> pop_mark() {
    if (marks_.empty()) fail("missing MARK");
    std::vector<PyRef> items(stack_.begin() + static_cast<std::ptrdiff_t>(marks_.back()), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  void push(PyRef v) { stack_.push_back(std::move(v)); }
  PyRef scalar(Kind k, int64_t i) {
    PyRef v = make_value(k);
    v->i = i;
    return v;
  }
  PyRef str(Kind k, std::string s) {
    PyRef v = make_value(k);
    v->s = std::move(s);
    return v;
  }
  PyRef tuple(std::vector<PyRef> items) {
    PyRef v = make_value(Kind::kTuple);
    v->items = std::move(items);
    return v;
  }
  PyRef memo_get(uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored");
    return it->second;
  }
  void add_items(PyValue& target, const std::vector<PyRef>& items) {
    if (target.is(Kind::kList)) {
      target.items.insert(target.items.end(), items.begin(), items.end());
    } else {
      fail("APPEND to something that is not a list");
    }
  }
  void set_items(PyValue& target, const std::vector<PyRef>& kv) {
    if (!target.is(Kind::kDict) || kv.size() % 2 != 0) fail("SETITEMS on a non-dict or odd count");
    for (size_t i = 0; i < kv.size(); i += 2) target.dict.emplace_back(kv[i], kv[i + 1]);
  }
  PyRef reduce(const PyRef& callable, const PyRef& args) {
    if (!callable->is(Kind::kGlobal)) fail("REDUCE of something that is not a global");
    if (!args->is(Kind::kTuple)) fail("REDUCE arguments are not a tuple");
    if (callable->s == "collections.OrderedDict" && args->items.empty()) return make_value(Kind::kDict);
    if (hooks_.reduce) {
      if (PyRef made = hooks_.reduce(callable->s, args)) return made;
    }
    PyRef obj = str(Kind::kObject, callable->s);
    obj->items = args->items;
    return obj;
  }
  void build(PyValue& target, const PyRef& state) {
    if (target.is(Kind::kObject) && state->is(Kind::kDict)) {
      target.dict = state->dict;
    } else {
      target.state = state;  // e.g. an OrderedDict's _metadata: kept, unused
    }
  }

  void step(uint8_t op);

  const uint8_t* p_;
  const uint8_t* end_;
  const std::string& file_;
  const PickleHooks& hooks_;
  std::vector<PyRef> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PyRef> memo_;
};

void Machine::step(uint8_t op) {
  switch (op) {
    case PROTO: byte(); break;
    case FRAME: take(8); break;
    case MARK: marks_.push_back(stack_.size()); break;
    case POP: pop(); break;
    case POP_MARK: pop_mark(); break;
    case DUP: push(top()); break;
    case NONE: push(make_value(Kind::kNone)); break;
    case NEWTRUE: push(scalar(Kind::kBool, 1)); break;
    case NEWFALSE: push(scalar(Kind::kBool, 0)); break;
    case BININT: push(scalar(Kind::kInt, static_cast<int32_t>(uint_le(4)))); break;
    case BININT1: push(scalar(Kind::kInt, static_cast<int64_t>(uint_le(1)))); break;
    case BININT2: push(scalar(Kind::kInt, static_cast<int64_t>(uint_le(2)))); break;
    case LONG1: {
      const uint64_t n = byte();
      if (n > 8) fail("integer wider than 64 bits");
      uint64_t v = n == 0 ? 0 : uint_le(static_cast<int>(n));
      if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);  // sign-extend
      push(scalar(Kind::kInt, static_cast<int64_t>(v)));
      break;
    }
    case BINFLOAT: {
      const uint8_t* b = take(8);
      uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits = (bits << 8) | b[i];  // big-endian
      PyRef v = make_value(Kind::kFloat);
      std::memcpy(&v->f, &bits, 8);
      push(v);
      break;
    }
    case SHORT_BINUNICODE: push(str(Kind::kString, text(byte()))); break;
    case BINUNICODE: push(str(Kind::kString, text(uint_le(4)))); break;
    case BINUNICODE8: push(str(Kind::kString, text(uint_le(8)))); break;
    case SHORT_BINBYTES: push(str(Kind::kBytes, text(byte()))); break;
    case BINBYTES: push(str(Kind::kBytes, text(uint_le(4)))); break;
    case BINBYTES8: push(str(Kind::kBytes, text(uint_le(8)))); break;
    case EMPTY_TUPLE: push(tuple({})); break;
    case TUPLE1: { PyRef a = pop(); push(tuple({a})); break; }
    case TUPLE2: { PyRef b = pop(), a = pop(); push(tuple({a, b})); break; }
    case TUPLE3: { PyRef c = pop(), b = pop(), a = pop(); push(tuple({a, b, c})); break; }
    case TUPLE: push(tuple(pop_mark())); break;
    case EMPTY_LIST: push(make_value(Kind::kList)); break;
    case EMPTY_DICT: push(make_value(Kind::kDict)); break;
    case APPEND: { PyRef v = pop(); add_items(*top(), {v}); break; }
    case APPENDS: { auto items = pop_mark(); add_items(*top(), items); break; }
    case SETITEM: { PyRef v = pop(), k = pop(); set_items(*top(), {k, v}); break; }
    case SETITEMS: { auto kv = pop_mark(); set_items(*top(), kv); break; }
    case BINPUT: memo_[byte()] = top(); break;
    case LONG_BINPUT: memo_[uint_le(4)] = top(); break;
    case MEMOIZE: memo_[memo_.size()] = top(); break;
    case BINGET: push(memo_get(byte())); break;
    case LONG_BINGET: push(memo_get(uint_le(4))); break;
    case GLOBAL: { std::string module = line(); push(str(Kind::kGlobal, module + "." + line())); break; }
    case STACK_GLOBAL: {
      PyRef name = pop(), module = pop();
      if (!name->is(Kind::kString) || !module->is(Kind::kString)) fail("STACK_GLOBAL of non-strings");
      push(str(Kind::kGlobal, module->s + "." + name->s));
      break;
    }
    case REDUCE: case NEWOBJ: { PyRef args = pop(), callable = pop(); push(reduce(callable, args)); break; }
    case BUILD: { PyRef state = pop(); build(*top(), state); break; }
    case BINPERSID: {
      PyRef pid = pop();
      if (!hooks_.persistent_load) fail("a persistent id where none is expected");
      push(hooks_.persistent_load(pid));
      break;
    }
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", op);
      fail(std::string("unknown or unsupported opcode ") + hex);
    }
  }
}

}  // namespace

PyRef make_value(PyValue::Kind kind) {
  PyRef v = std::make_shared<PyValue>();
  v->kind = kind;
  return v;
}

PyRef PyValue::get(const std::string& key) const {
  for (const auto& [k, v] : dict) {
    if (k->is(Kind::kString) && k->s == key) return v;
  }
  return nullptr;
}

PyRef read_pickle(const uint8_t* data, size_t size, const std::string& file_name,
                  const PickleHooks& hooks) {
  return Machine(data, size, file_name, hooks).run();
}

}  // namespace flamingo
