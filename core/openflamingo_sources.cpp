#include "core/openflamingo_sources.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/torch_archive.h"

namespace flamingo {
namespace fs = std::filesystem;

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void TensorSources::add_path(const std::string& file_or_dir) {
  std::error_code ec;
  if (!fs::is_directory(file_or_dir, ec)) {
    if (file_or_dir.size() > 11 && file_or_dir.rfind(".index.json") == file_or_dir.size() - 11) {
      add_index(file_or_dir);
    } else {
      add_file(file_or_dir);
    }
    return;
  }
  // Hugging Face's file names, safetensors preferred as transformers does.
  for (const char* name : {"model.safetensors.index.json", "model.safetensors",
                           "pytorch_model.bin.index.json", "pytorch_model.bin"}) {
    const fs::path candidate = fs::path(file_or_dir) / name;
    if (!fs::exists(candidate, ec)) continue;
    add_path(candidate.string());
    return;
  }
  throw FileError(file_or_dir, "holds none of model.safetensors, pytorch_model.bin or their "
                               ".index.json shard lists");
}

void TensorSources::add_index(const std::string& index_path) {
  nlohmann::json index;
  try {
    index = nlohmann::json::parse(read_text_file(index_path));
  } catch (const nlohmann::json::exception& e) {
    throw FileError(index_path, std::string("is not valid JSON: ") + e.what());
  }
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
    throw FileError(index_path, "has no \"weight_map\" object");
  }
  std::set<std::string> shards;
  for (const auto& [name, shard] : index["weight_map"].items()) {
    if (!shard.is_string()) throw FileError(index_path, "weight_map[\"" + name + "\"] is not a file name");
    const std::string file = shard.get<std::string>();
    if (file.find('/') != std::string::npos) throw FileError(index_path, "shard '" + file + "' is not a plain file name");
    shards.insert(file);
  }
  const fs::path dir = fs::path(index_path).parent_path();
  for (const std::string& shard : shards) add_file((dir / shard).string());
  for (const auto& [name, shard] : index["weight_map"].items()) {
    const SourceTensor* t = find(name);
    if (t == nullptr || fs::path(t->file).filename() != shard.get<std::string>()) {
      throw FileError(index_path, "lists tensor '" + name + "' in " + shard.get<std::string>() +
                                      " but that shard does not hold it");
    }
  }
}

void TensorSources::add_file(const std::string& file) {
  const bool is_safetensors = file.size() > 12 && file.rfind(".safetensors") == file.size() - 12;
  if (is_safetensors) {
    auto st = std::make_shared<SafetensorsFile>(file);
    for (const TensorInfo& info : st->tensors()) {
      SourceTensor t{info.name, file, info.dtype, info.shape, {}, st->data(info), nullptr};
      int64_t stride = 1;
      t.strides.assign(info.shape.size(), 1);
      for (size_t d = info.shape.size(); d-- > 0;) {
        t.strides[d] = stride;
        stride *= info.shape[d];
      }
      add(std::move(t));
    }
    safetensors_.push_back(std::move(st));
    return;
  }
  auto archive = std::make_shared<TorchArchive>(file);
  for (const ArchiveTensor& a : archive->tensors()) {
    add(SourceTensor{a.name, file, a.dtype, a.shape, a.strides, a.data(), archive.get()});
  }
  archives_.push_back(std::move(archive));
}

void TensorSources::add(SourceTensor tensor) {
  const std::string name = tensor.name;
  const std::string file = tensor.file;
  auto [it, inserted] = tensors_.emplace(name, std::move(tensor));
  if (!inserted) {
    throw FileError(file, "tensor '" + name + "' is also in " + it->second.file);
  }
}

const SourceTensor* TensorSources::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

void TensorSources::verify(const SourceTensor& tensor) const {
  if (tensor.archive == nullptr) return;
  const ArchiveTensor* a = tensor.archive->find(tensor.name);
  if (a != nullptr) tensor.archive->verify(*a);
}

}  // namespace flamingo
