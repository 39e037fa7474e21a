#include "core/torch_archive.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>

#include "core/error.h"
#include "core/pickle_reader.h"
#include "core/zip_archive.h"

namespace flamingo {
namespace {

using Kind = PyValue::Kind;

// torch's legacy typed storage classes (torch/storage.py) and what they hold.
const std::map<std::string, DType>& storage_types() {
  static const std::map<std::string, DType> types = {
      {"torch.DoubleStorage", DType::F64}, {"torch.FloatStorage", DType::F32},
      {"torch.HalfStorage", DType::F16},   {"torch.BFloat16Storage", DType::BF16},
      {"torch.LongStorage", DType::I64},   {"torch.IntStorage", DType::I32},
      {"torch.ShortStorage", DType::I16},  {"torch.CharStorage", DType::I8},
      {"torch.ByteStorage", DType::U8},    {"torch.BoolStorage", DType::BOOL},
  };
  return types;
}

struct Storage {
  std::string entry;
  DType dtype;
  int64_t numel;
  const uint8_t* data;
};

// The pickle's view of torch: persistent ids name storages, REDUCE of the
// rebuild functions makes tensors (kept aside; the value holds their index).
class TorchUnpickler {
 public:
  TorchUnpickler(const ZipArchive& zip, const std::string& root) : zip_(zip), root_(root) {}

  PyRef run(const ZipEntry& pkl) {
    PickleHooks hooks;
    hooks.persistent_load = [this](const PyRef& pid) { return load_storage(pid); };
    hooks.reduce = [this](const std::string& fn, const PyRef& args) { return reduce(fn, args); };
    return read_pickle(zip_.data(pkl), pkl.size, zip_.path(), hooks);
  }
  std::vector<ArchiveTensor>& tensors() { return tensors_; }

 private:
  [[noreturn]] void fail(const std::string& problem) const { throw FileError(zip_.path(), problem); }

  PyRef load_storage(const PyRef& pid) {
    // ('storage', storage_type, key, location, numel): torch/serialization.py
    if (!pid->is(Kind::kTuple) || pid->items.size() < 5 || !pid->items[0]->is(Kind::kString) ||
        pid->items[0]->s != "storage" || !pid->items[1]->is(Kind::kGlobal) ||
        !pid->items[2]->is(Kind::kString) || !pid->items[4]->is(Kind::kInt)) {
      fail("malformed pickle: a persistent id that is not a storage reference");
    }
    const std::string& type = pid->items[1]->s;
    auto dtype = storage_types().find(type);
    if (dtype == storage_types().end()) fail("unsupported storage type " + type);
    Storage s{root_ + "/data/" + pid->items[2]->s, dtype->second, pid->items[4]->i, nullptr};
    const ZipEntry* entry = zip_.find(s.entry);
    if (entry == nullptr) fail("storage entry '" + s.entry + "' is missing (truncated file?)");
    const uint64_t elem = dtype_size(s.dtype);
    if (s.numel < 0 || static_cast<uint64_t>(s.numel) > entry->size / elem) {
      fail("storage '" + s.entry + "' claims " + std::to_string(s.numel) + " elements of " +
           dtype_name(s.dtype) + " but holds " + std::to_string(entry->size) + " bytes");
    }
    s.data = zip_.data(*entry);
    storages_.push_back(s);
    PyRef v = make_value(Kind::kPersistent);
    v->i = static_cast<int64_t>(storages_.size() - 1);
    return v;
  }

  std::vector<int64_t> int_tuple(const PyRef& v, const char* what) const {
    if (!v->is(Kind::kTuple) && !v->is(Kind::kList)) fail(std::string("tensor ") + what + " is not a tuple");
    std::vector<int64_t> out;
    for (const PyRef& item : v->items) {
      if (!item->is(Kind::kInt)) fail(std::string("tensor ") + what + " holds a non-integer");
      out.push_back(item->i);
    }
    return out;
  }

  // torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
  PyRef rebuild_tensor(const PyRef& args) {
    const auto& a = args->items;
    if (a.size() < 4 || !a[0]->is(Kind::kPersistent) || !a[1]->is(Kind::kInt)) {
      fail("malformed pickle: bad arguments to _rebuild_tensor_v2");
    }
    const Storage& s = storages_[static_cast<size_t>(a[0]->i)];
    ArchiveTensor t;
    t.dtype = s.dtype;
    t.storage = s.data;
    t.storage_entry = s.entry;
    t.storage_offset = a[1]->i;
    t.shape = int_tuple(a[2], "size");
    t.strides = int_tuple(a[3], "stride");
    if (t.shape.size() != t.strides.size()) fail("tensor size and stride differ in rank");
    check_extent(t, s);
    tensors_.push_back(std::move(t));
    PyRef v = make_value(Kind::kObject);
    v->s = "<tensor>";
    v->i = static_cast<int64_t>(tensors_.size() - 1);
    return v;
  }

  // The highest element the view touches must lie inside the storage.
  void check_extent(const ArchiveTensor& t, const Storage& s) const {
    const std::string where = "a tensor in storage '" + s.entry + "'";
    if (t.storage_offset < 0) fail(where + " has a negative offset");
    int64_t last = t.storage_offset;
    for (size_t d = 0; d < t.shape.size(); ++d) {
      if (t.shape[d] < 0 || t.strides[d] < 0) fail(where + " has a negative size or stride");
      if (t.shape[d] == 0) return;  // empty: touches nothing
      const int64_t span = t.shape[d] - 1;
      if (span > 0 && t.strides[d] > (std::numeric_limits<int64_t>::max() - last) / span) {
        fail(where + " has an overflowing extent");
      }
      last += span * t.strides[d];
    }
    if (last >= s.numel) {
      fail(where + " reaches element " + std::to_string(last) + " but the storage has only " +
           std::to_string(s.numel) + " (storage out of range)");
    }
  }

  PyRef reduce(const std::string& fn, const PyRef& args) {
    if (fn == "torch._utils._rebuild_tensor_v2" || fn == "torch._utils._rebuild_tensor") {
      return rebuild_tensor(args);
    }
    // Wrappers whose first argument is the value itself.
    static const char* const kPassThrough[] = {
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "torch.jit._pickle.restore_type_tag", "torch.jit._pickle.build_intlist",
        "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
        "torch.jit._pickle.build_tensorlist"};
    for (const char* name : kPassThrough) {
      if (fn == name) {
        if (args->items.empty()) fail("malformed pickle: " + fn + " without arguments");
        return args->items[0];
      }
    }
    return nullptr;
  }

  const ZipArchive& zip_;
  std::string root_;
  std::vector<Storage> storages_;
  std::vector<ArchiveTensor> tensors_;
};

// Names every tensor by its path: dict keys and object attributes joined by
// dots. A tensor reached twice (shared) gets both names.
void collect(const PyRef& v, const std::string& prefix, const std::vector<ArchiveTensor>& all,
             std::vector<ArchiveTensor>& out, int depth, size_t& budget) {
  // No real module nests 64 deep, and a state dict has far fewer than 10^7
  // values: the limits stop cycles and shared-reference blowups in hostile files.
  if (depth > 64) return;
  if (budget-- == 0) throw ArgumentError("the pickled tree has too many values");
  auto join = [&](const std::string& key) { return prefix.empty() ? key : prefix + "." + key; };
  if (v->is(Kind::kObject) && v->s == "<tensor>") {
    ArchiveTensor t = all[static_cast<size_t>(v->i)];
    t.name = prefix;
    out.push_back(std::move(t));
  } else if (v->is(Kind::kDict) || v->is(Kind::kObject)) {
    for (const auto& [key, value] : v->dict) {
      if (key->is(Kind::kString)) collect(value, join(key->s), all, out, depth + 1, budget);
      else if (key->is(Kind::kInt)) collect(value, join(std::to_string(key->i)), all, out, depth + 1, budget);
    }
  } else if (v->is(Kind::kList) || v->is(Kind::kTuple)) {
    for (size_t i = 0; i < v->items.size(); ++i) collect(v->items[i], join(std::to_string(i)), all, out, depth + 1, budget);
  }
}

// The archive's root folder: the one whose data.pkl sits directly inside it.
std::string find_root(const ZipArchive& zip) {
  for (const auto& [name, entry] : zip.entries()) {
    const size_t slash = name.find('/');
    if (slash != std::string::npos && name.compare(slash, std::string::npos, "/data.pkl") == 0) {
      return name.substr(0, slash);
    }
  }
  throw FileError(zip.path(), "zip archive without a data.pkl: not a PyTorch checkpoint");
}

void reject_legacy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot open");
  unsigned char head[2] = {};
  in.read(reinterpret_cast<char*>(head), 2);
  if (in.gcount() == 2 && head[0] == 0x80) {
    throw FileError(path, "legacy (pre-1.6) torch.save format not supported: re-save it with "
                          "torch.save(torch.load(path), path) in PyTorch 1.6 or later");
  }
  throw FileError(path, "not a PyTorch checkpoint (not a zip archive)");
}

}  // namespace

int64_t ArchiveTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool ArchiveTensor::is_contiguous() const {
  int64_t expected = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != 1 && strides[d] != expected) return false;
    expected *= shape[d];
  }
  return true;
}

TorchArchive::TorchArchive(const std::string& path) : path_(path) {
  if (!looks_like_zip(path)) reject_legacy(path);
  zip_ = std::make_unique<ZipArchive>(path);
  const std::string root = find_root(*zip_);
  const ZipEntry* pkl = zip_->find(root + "/data.pkl");
  zip_->verify(*pkl);
  torchscript_ = zip_->find(root + "/constants.pkl") != nullptr;
  TorchUnpickler unpickler(*zip_, root);
  const PyRef tree = unpickler.run(*pkl);
  size_t budget = 10'000'000;
  try {
    collect(tree, "", unpickler.tensors(), tensors_, 0, budget);
  } catch (const ArgumentError& e) {
    throw FileError(path, e.what());
  }
  std::sort(tensors_.begin(), tensors_.end(),
            [](const ArchiveTensor& a, const ArchiveTensor& b) { return a.name < b.name; });
  for (size_t i = 1; i < tensors_.size(); ++i) {
    if (tensors_[i].name == tensors_[i - 1].name) {
      throw FileError(path, "two tensors are both named '" + tensors_[i].name + "'");
    }
  }
}

TorchArchive::~TorchArchive() = default;
TorchArchive::TorchArchive(TorchArchive&&) noexcept = default;
TorchArchive& TorchArchive::operator=(TorchArchive&&) noexcept = default;

const ArchiveTensor* TorchArchive::find(const std::string& name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const ArchiveTensor& t, const std::string& n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

void TorchArchive::verify(const ArchiveTensor& tensor) {
  if (std::find(verified_.begin(), verified_.end(), tensor.storage_entry) != verified_.end()) return;
  const ZipEntry* entry = zip_->find(tensor.storage_entry);
  if (entry == nullptr) throw ArgumentError("tensor '" + tensor.name + "' is not from " + path_);
  zip_->verify(*entry);
  verified_.push_back(tensor.storage_entry);
}

}  // namespace flamingo
