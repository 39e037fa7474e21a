// The PyTorch archive reader against files that PyTorch itself wrote
// (tests/openflamingo/make_checkpoints.py): values, dtypes, strides and shared
// storages as Python reported them, TorchScript attribute paths, and malformed
// files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/pickle_reader.h"
#include "core/torch_archive.h"
#include "core/zip_archive.h"
#include "test_dirs.h"

namespace fs = std::filesystem;
using flamingo::ArchiveTensor;
using flamingo::DType;
using flamingo::TorchArchive;

namespace {

const std::string kDir = FLAMINGO_OPENFLAMINGO_DIR;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// IEEE half and bfloat16 widened by hand, independently of LibTorch.
double half_to_double(uint16_t h) {
  const int exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  const double sign = (h & 0x8000) ? -1 : 1;
  if (exp == 0) return sign * std::ldexp(frac, -24);
  return sign * std::ldexp(1024 + frac, exp - 25);
}

double element(const ArchiveTensor& t, int64_t index) {
  const uint8_t* p = t.storage + (t.storage_offset + index) * static_cast<int64_t>(flamingo::dtype_size(t.dtype));
  switch (t.dtype) {
    case DType::F32: { float v; std::memcpy(&v, p, 4); return v; }
    case DType::F16: { uint16_t v; std::memcpy(&v, p, 2); return half_to_double(v); }
    case DType::BF16: { uint16_t v; std::memcpy(&v, p, 2); uint32_t bits = uint32_t{v} << 16; float f; std::memcpy(&f, &bits, 4); return f; }
    case DType::I64: { int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    case DType::BOOL: return *p;
    default: ADD_FAILURE() << "unexpected dtype"; return 0;
  }
}

// The tensor's elements in logical (row-major) order, read through its strides.
std::vector<double> values(const ArchiveTensor& t) {
  std::vector<double> out;
  std::vector<int64_t> index(t.shape.size(), 0);
  for (int64_t n = 0; n < t.numel(); ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d) offset += index[d] * t.strides[d];
    out.push_back(element(t, offset));
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

DType dtype_of(const std::string& python) {
  if (python == "float32") return DType::F32;
  if (python == "float16") return DType::F16;
  if (python == "bfloat16") return DType::BF16;
  if (python == "int64") return DType::I64;
  return DType::BOOL;
}

std::string error_of(const std::string& path) {
  try {
    TorchArchive archive(path);
  } catch (const flamingo::FileError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TorchArchive, ValuesDtypesAndStridesAsPythonWroteThem) {
  TorchArchive archive(kDir + "/archive/tensors.pt");
  EXPECT_FALSE(archive.is_torchscript());
  const auto expected = read_json(kDir + "/archive/expected.json");
  ASSERT_EQ(archive.tensors().size(), expected.size());
  for (const auto& [name, e] : expected.items()) {
    SCOPED_TRACE(name);
    const ArchiveTensor* t = archive.find(name);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->dtype, dtype_of(e["dtype"]));
    EXPECT_EQ(t->shape, e["shape"].get<std::vector<int64_t>>());
    EXPECT_EQ(t->strides, e["stride"].get<std::vector<int64_t>>());
    EXPECT_EQ(values(*t), e["values"].get<std::vector<double>>());  // exact
  }
}

TEST(TorchArchive, ViewsShareOneStorage) {
  TorchArchive archive(kDir + "/archive/tensors.pt");
  const ArchiveTensor* base = archive.find("f32");
  const ArchiveTensor* row = archive.find("shared_row");
  const ArchiveTensor* transposed = archive.find("transposed");
  ASSERT_TRUE(base && row && transposed);
  EXPECT_EQ(row->storage, base->storage);
  EXPECT_EQ(row->storage_offset, 12);
  EXPECT_EQ(transposed->storage, base->storage);
  EXPECT_FALSE(transposed->is_contiguous());
  EXPECT_TRUE(base->is_contiguous());
}

TEST(TorchArchive, TorchScriptTensorsAreNamedByAttributePath) {
  TorchArchive archive(kDir + "/3b/clip.pt");
  EXPECT_TRUE(archive.is_torchscript());
  const auto expected = read_json(kDir + "/3b/clip_expected.json");
  for (const auto& [name, e] : expected.items()) {
    SCOPED_TRACE(name);
    const ArchiveTensor* t = archive.find(name);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->shape, e["shape"].get<std::vector<int64_t>>());
    double sum = 0;
    for (double v : values(*t)) sum += v;
    EXPECT_NEAR(sum, e["sum"].get<double>(), 1e-9 * std::max(1.0, std::fabs(sum)));
  }
  EXPECT_NE(archive.find("visual.transformer.resblocks.1.attn.in_proj_weight"), nullptr);
}

TEST(TorchArchive, TruncatedFileIsAClearError) {
  const fs::path dir = fresh_test_dir("torch_archive");
  const std::string bytes = read_bytes(kDir + "/archive/tensors.pt");
  write_bytes(dir / "cut.pt", bytes.substr(0, bytes.size() / 2));
  const std::string message = error_of((dir / "cut.pt").string());
  EXPECT_NE(message.find("cut.pt: "), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST(TorchArchive, CorruptedPickleFailsItsCrc) {
  const fs::path dir = fresh_test_dir("torch_archive");
  std::string bytes = read_bytes(kDir + "/archive/tensors.pt");
  const size_t at = bytes.find("_rebuild_tensor_v2");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] ^= 0x20;
  write_bytes(dir / "bad.pt", bytes);
  const std::string message = error_of((dir / "bad.pt").string());
  EXPECT_NE(message.find("CRC-32 mismatch in entry 'tensors/data.pkl'"), std::string::npos) << message;
}

TEST(TorchArchive, StorageTooSmallForItsClaimIsAClearError) {
  // Raises the element count of the first storage (24 floats) in data.pkl and
  // fixes the CRC, so only the reader's own bounds check can catch it.
  const fs::path dir = fresh_test_dir("torch_archive");
  std::string bytes = read_bytes(kDir + "/archive/tensors.pt");
  const size_t cpu = bytes.find("cpu");
  ASSERT_NE(cpu, std::string::npos);
  const size_t numel = bytes.find(std::string("K\x18", 2), cpu);
  ASSERT_LT(numel - cpu, 8u);
  bytes[numel + 1] = 0x7f;
  // APPNOTE layouts: the local header's name at +30 and extra length at +28;
  // the central record's name at +46, CRC at +16, size at +24.
  const std::string entry = "tensors/data.pkl";
  const size_t local = bytes.find(entry) - 30;
  const size_t extra = static_cast<uint8_t>(bytes[local + 28]) | static_cast<uint8_t>(bytes[local + 29]) << 8;
  const size_t data = local + 30 + entry.size() + extra;
  const size_t central = bytes.rfind(entry) - 46;
  uint32_t size = 0;
  std::memcpy(&size, &bytes[central + 24], 4);
  const uint32_t crc = flamingo::crc32_of(reinterpret_cast<const uint8_t*>(&bytes[data]), size);
  std::memcpy(&bytes[central + 16], &crc, 4);
  write_bytes(dir / "claims.pt", bytes);
  const std::string message = error_of((dir / "claims.pt").string());
  EXPECT_NE(message.find("claims 127 elements of F32 but holds 96 bytes"), std::string::npos) << message;
}

TEST(TorchArchive, LegacyFormatAndNonArchivesAreRefused) {
  const fs::path dir = fresh_test_dir("torch_archive");
  write_bytes(dir / "legacy.pt", std::string("\x80\x02\x8a\x0a", 4) + std::string(64, '\0'));
  EXPECT_NE(error_of((dir / "legacy.pt").string()).find("legacy (pre-1.6)"), std::string::npos);
  write_bytes(dir / "text.pt", "hello");
  EXPECT_NE(error_of((dir / "text.pt").string()).find("not a PyTorch checkpoint"), std::string::npos);
}

TEST(PickleReader, UnknownOpcodeIsNamed) {
  const uint8_t bytes[] = {0x80, 0x02, 0xff};
  try {
    flamingo::read_pickle(bytes, sizeof bytes, "x.pkl", {});
    FAIL() << "no error";
  } catch (const flamingo::FileError& e) {
    EXPECT_NE(std::string(e.what()).find("x.pkl: malformed pickle: unknown or unsupported opcode 0xff"),
              std::string::npos) << e.what();
  }
}

TEST(PickleReader, TruncatedAndUnderflowingPicklesAreErrors) {
  const uint8_t truncated[] = {0x80, 0x02, 'X', 0x10, 0, 0, 0, 'a'};
  EXPECT_THROW(flamingo::read_pickle(truncated, sizeof truncated, "t.pkl", {}), flamingo::FileError);
  const uint8_t underflow[] = {0x80, 0x02, 's', '.'};
  EXPECT_THROW(flamingo::read_pickle(underflow, sizeof underflow, "u.pkl", {}), flamingo::FileError);
  const uint8_t memo[] = {0x80, 0x02, 'h', 0x05, '.'};
  EXPECT_THROW(flamingo::read_pickle(memo, sizeof memo, "m.pkl", {}), flamingo::FileError);
}
