// Tests of the safetensors reader and writer. Malformed files are built byte by
// byte here, so every check the reader makes is exercised on its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "tests/test_dirs.h"
#include "core/error.h"
#include "core/safetensors.h"

namespace flamingo {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, so tests may run in parallel processes.
class SafetensorsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_test_dir("safetensors"); }

  std::string path(const std::string& file) const { return (dir_ / file).string(); }

  fs::path dir_;
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string u64_le(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

// A file image with `header` as its JSON and `data_bytes` bytes of data.
std::string image(const std::string& header, size_t data_bytes) {
  return u64_le(header.size()) + header + std::string(data_bytes, '\x5a');
}

// The message of the FileError that loading `path` throws, or a marker that
// makes every substring check fail. Other exception types fail the test.
std::string load_error(const std::string& path) {
  try {
    SafetensorsFile file(path);
  } catch (const FileError& e) {
    return e.what();
  }
  return "<no error>";
}

::testing::AssertionResult contains_all(const std::string& text,
                                        std::initializer_list<std::string> parts) {
  for (const std::string& part : parts) {
    if (text.find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
std::vector<uint8_t> as_bytes(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::vector<uint8_t> tensor_bytes(const SafetensorsFile& file, const TensorInfo& info) {
  const auto* begin = static_cast<const uint8_t*>(file.data(info));
  return std::vector<uint8_t>(begin, begin + info.nbytes);
}

// ---- dtypes ---------------------------------------------------------------

TEST(DType, NamesSizesAndParsingAgree) {
  const std::vector<std::pair<DType, size_t>> expected = {
      {DType::F64, 8}, {DType::F32, 4}, {DType::F16, 2}, {DType::BF16, 2}, {DType::I64, 8},
      {DType::I32, 4}, {DType::I16, 2}, {DType::I8, 1},  {DType::U8, 1},   {DType::BOOL, 1}};
  for (const auto& [dtype, size] : expected) {
    EXPECT_EQ(dtype_size(dtype), size) << dtype_name(dtype);
    EXPECT_EQ(parse_dtype(dtype_name(dtype)), dtype) << dtype_name(dtype);
  }
  EXPECT_STREQ(dtype_name(DType::BF16), "BF16");
  EXPECT_STREQ(dtype_name(DType::BOOL), "BOOL");
}

TEST(DType, UnknownNameIsAnArgumentErrorNamingIt) {
  try {
    parse_dtype("F8_E4M3");
    FAIL() << "no error";
  } catch (const ArgumentError& e) {
    EXPECT_TRUE(contains_all(e.what(), {"F8_E4M3"}));
  }
  EXPECT_THROW(parse_dtype("f32"), ArgumentError);
  EXPECT_THROW(parse_dtype(""), ArgumentError);
}

// ---- round trip -----------------------------------------------------------

class RoundTrip : public SafetensorsTest {};

TEST_F(RoundTrip, EveryDtypeShapeAndMetadataSurvives) {
  const std::vector<float> f32 = {1.5f, -2.25f, 3.0f, 1e-7f, 0.0f, -0.0f};
  const std::vector<uint16_t> f16 = {0x3c00, 0xc000, 0x7bff};
  const std::vector<uint16_t> bf16 = {0x3f80, 0x4049};
  const std::vector<int64_t> i64 = {INT64_MIN, -1, 0, INT64_MAX};
  const std::vector<int32_t> scalar = {-123456};
  const std::vector<uint8_t> u8 = {0, 1, 254, 255, 7};
  const std::vector<TensorToWrite> tensors = {
      {"model.embed.weight", DType::F32, {2, 3}, f32.data()},
      {"half", DType::F16, {3}, f16.data()},
      {"brain", DType::BF16, {1, 2}, bf16.data()},
      {"ids", DType::I64, {4}, i64.data()},
      {"scalar", DType::I32, {}, scalar.data()},
      {"empty", DType::F32, {0, 3}, nullptr},
      {"bytes", DType::U8, {5}, u8.data()},
  };
  const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "ünïcødé"}};
  const std::string file_path = path("model.safetensors");
  write_safetensors(file_path, tensors, metadata);

  const SafetensorsFile file(file_path);
  EXPECT_EQ(file.path(), file_path);
  EXPECT_EQ(file.metadata(), metadata);
  ASSERT_EQ(file.tensors().size(), tensors.size());
  const std::vector<std::vector<uint8_t>> expected_bytes = {
      as_bytes(f32), as_bytes(f16), as_bytes(bf16), as_bytes(i64), as_bytes(scalar), {},
      as_bytes(u8)};
  for (size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].name);
    const TensorInfo* info = file.find(tensors[i].name);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->name, tensors[i].name);
    EXPECT_EQ(info->dtype, tensors[i].dtype);
    EXPECT_EQ(info->shape, tensors[i].shape);
    EXPECT_EQ(info->nbytes, expected_bytes[i].size());
    EXPECT_EQ(tensor_bytes(file, *info), expected_bytes[i]);
  }
  EXPECT_EQ(file.find("missing"), nullptr);
  EXPECT_EQ(file.find("__metadata__"), nullptr);
}

TEST_F(RoundTrip, LayoutIsContiguousInGivenOrderAndDeterministic) {
  const std::vector<uint8_t> three = {1, 2, 3};
  const std::vector<float> two = {4.0f, 5.0f};
  const std::vector<TensorToWrite> tensors = {{"z_first", DType::U8, {3}, three.data()},
                                              {"a_second", DType::F32, {2}, two.data()}};
  write_safetensors(path("a.safetensors"), tensors, {{"k", "v"}});
  write_safetensors(path("b.safetensors"), tensors, {{"k", "v"}});
  const std::string bytes = read_bytes(path("a.safetensors"));
  EXPECT_EQ(bytes, read_bytes(path("b.safetensors")));

  const SafetensorsFile file(path("a.safetensors"));
  ASSERT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensors()[0].name, "z_first");  // sorted by offset, not by name
  EXPECT_EQ(file.tensors()[0].offset, 0u);
  EXPECT_EQ(file.tensors()[1].name, "a_second");
  EXPECT_EQ(file.tensors()[1].offset, 3u);
  // The header is space-padded so the data section starts 8-byte aligned and
  // the file is exactly header plus tensors.
  ASSERT_GE(bytes.size(), 8u);
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | uint8_t(bytes[i]);
  EXPECT_EQ(header_length % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + header_length + 3 + 8);
  EXPECT_EQ(bytes.substr(8 + header_length, 3), "\1\2\3");
  float value = 0;
  std::memcpy(&value, static_cast<const uint8_t*>(file.data(file.tensors()[1])) + 4, 4);
  EXPECT_EQ(value, 5.0f);
}

TEST_F(RoundTrip, NoTensorsAndNoMetadata) {
  write_safetensors(path("empty.safetensors"), {});
  const SafetensorsFile file(path("empty.safetensors"));
  EXPECT_TRUE(file.tensors().empty());
  EXPECT_TRUE(file.metadata().empty());
}

TEST_F(RoundTrip, OverwritesAnExistingFile) {
  const std::vector<uint8_t> a = {1}, b = {2, 2};
  write_safetensors(path("m.safetensors"), {{"a", DType::U8, {1}, a.data()}});
  write_safetensors(path("m.safetensors"), {{"b", DType::U8, {2}, b.data()}});
  const SafetensorsFile file(path("m.safetensors"));
  ASSERT_EQ(file.tensors().size(), 1u);
  EXPECT_EQ(file.tensors()[0].name, "b");
  EXPECT_FALSE(fs::exists(path("m.safetensors.tmp")));
}

// ---- what the reader accepts ------------------------------------------------

class Lenient : public SafetensorsTest {
 protected:
  SafetensorsFile load(const std::string& header, size_t data_bytes) {
    const std::string file_path = path("ok.safetensors");
    write_bytes(file_path, image(header, data_bytes));
    return SafetensorsFile(file_path);
  }
};

TEST_F(Lenient, HeaderPaddedWithSpaces) {
  const SafetensorsFile file =
      load(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})" + std::string(13, ' '), 8);
  ASSERT_EQ(file.tensors().size(), 1u);
  EXPECT_EQ(file.tensors()[0].nbytes, 8u);
}

TEST_F(Lenient, HolesAndTrailingBytesInTheDataSection) {
  const SafetensorsFile file = load(R"({"b":{"dtype":"U8","shape":[2],"data_offsets":[10,12]},
                                        "a":{"dtype":"I16","shape":[1],"data_offsets":[4,6]}})",
                                    20);
  ASSERT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensors()[0].name, "a");
  EXPECT_EQ(file.tensors()[1].name, "b");
  EXPECT_EQ(file.tensors()[1].offset, 10u);
}

TEST_F(Lenient, EmptyTensorInsideAnotherDoesNotOverlap) {
  const SafetensorsFile file = load(R"({"big":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},
    "none":{"dtype":"F64","shape":[3,0],"data_offsets":[8,8]}})",
                                    16);
  EXPECT_EQ(file.tensors().size(), 2u);
}

TEST_F(Lenient, ZeroDimensionBesideHugeOnesIsEmpty) {
  const SafetensorsFile file = load(
      R"({"e":{"dtype":"F64","shape":[9223372036854775807,9223372036854775807,0],
              "data_offsets":[0,0]}})",
      0);
  ASSERT_EQ(file.tensors().size(), 1u);
  EXPECT_EQ(file.tensors()[0].nbytes, 0u);
}

TEST_F(Lenient, UnknownFieldsAreIgnored) {
  const SafetensorsFile file = load(R"({"w":{"dtype":"I16","shape":[1],"data_offsets":[2,4],
                                             "extra":{"nested":[1,2,3]}}})",
                                    4);
  ASSERT_EQ(file.tensors().size(), 1u);
  EXPECT_EQ(file.tensors()[0].dtype, DType::I16);
  EXPECT_EQ(file.tensors()[0].offset, 2u);
}

TEST(ParseHeader, IsAPureFunctionOfTheBytes) {
  const std::string bytes = image(
      R"({"__metadata__":{"a":"b"},"t":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})", 3);
  const SafetensorsHeader header = parse_safetensors_header(
      reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "in-memory");
  EXPECT_EQ(header.data_start, bytes.size() - 3);
  ASSERT_EQ(header.tensors.size(), 1u);
  EXPECT_EQ(header.tensors[0].dtype, DType::BOOL);
  EXPECT_EQ(header.metadata.at("a"), "b");
  try {
    parse_safetensors_header(nullptr, 0, "in-memory");
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), "in-memory");
    EXPECT_TRUE(contains_all(e.what(), {"in-memory", "too short"}));
  }
}

// ---- what the reader rejects ------------------------------------------------

struct BadHeader {
  const char* case_name;
  std::string header;
  size_t data_bytes;
  std::vector<std::string> keywords;
};

// Keeps gtest from dumping the struct's bytes when a case fails.
void PrintTo(const BadHeader& bad, std::ostream* out) { *out << bad.case_name; }

class RejectsHeader : public SafetensorsTest, public ::testing::WithParamInterface<BadHeader> {};

TEST_P(RejectsHeader, WithAFileErrorNamingFileAndProblem) {
  const BadHeader& bad = GetParam();
  const std::string file_path = path(std::string(bad.case_name) + ".safetensors");
  write_bytes(file_path, image(bad.header, bad.data_bytes));
  const std::string message = load_error(file_path);
  EXPECT_TRUE(contains_all(message, {file_path + ": "}));
  for (const std::string& keyword : bad.keywords) EXPECT_TRUE(contains_all(message, {keyword}));
}

std::string entry(const std::string& dtype, const std::string& shape, const std::string& offsets) {
  return R"({"w":{"dtype":)" + dtype + R"(,"shape":)" + shape + R"(,"data_offsets":)" + offsets +
         "}}";
}

const BadHeader kBadHeaders[] = {
    {"not_json", R"({"w":)", 0, {"not valid JSON"}},
    {"trailing_garbage", R"({} x)", 0, {"not valid JSON"}},
    {"invalid_utf8", "{\"w\xff\":{}}", 0, {"not valid JSON"}},
    {"empty_header", "", 0, {"not valid JSON"}},
    {"top_level_array", R"([1,2])", 0, {"not a JSON object"}},
    {"top_level_string", R"("w")", 0, {"not a JSON object"}},
    {"too_deep",
     R"({"w":{"x":)" + std::string(30, '[') + "0" + std::string(30, ']') + "}}",
     0,
     {"nested"}},
    {"entry_not_object", R"({"w":[1]})", 0, {"'w'", "not a JSON object"}},
    {"missing_dtype",
     R"({"w":{"shape":[1],"data_offsets":[0,4]}})",
     4,
     {"'w'", "missing field \"dtype\""}},
    {"missing_shape",
     R"({"w":{"dtype":"F32","data_offsets":[0,4]}})",
     4,
     {"'w'", "missing field \"shape\""}},
    {"missing_offsets",
     R"({"w":{"dtype":"F32","shape":[1]}})",
     4,
     {"'w'", "missing field \"data_offsets\""}},
    {"dtype_not_string", entry("4", "[1]", "[0,4]"), 4, {"'w'", "\"dtype\" is not a string"}},
    {"unknown_dtype", entry("\"F8\"", "[1]", "[0,1]"), 1, {"'w'", "unknown dtype \"F8\""}},
    {"lowercase_dtype", entry("\"f32\"", "[1]", "[0,4]"), 4, {"'w'", "unknown dtype"}},
    {"shape_not_array", entry("\"F32\"", "4", "[0,16]"), 16, {"'w'", "\"shape\" is not an array"}},
    {"negative_dim",
     entry("\"F32\"", "[-1]", "[0,4]"),
     4,
     {"'w'", "dimension 0", "non-negative integer"}},
    {"fractional_dim",
     entry("\"F32\"", "[1,1.5]", "[0,4]"),
     4,
     {"'w'", "dimension 1", "non-negative integer"}},
    {"string_dim", entry("\"F32\"", "[\"2\"]", "[0,8]"), 8, {"'w'", "non-negative integer"}},
    {"dim_above_int64",
     entry("\"U8\"", "[9223372036854775808]", "[0,1]"),
     1,
     {"'w'", "non-negative integer"}},
    {"byte_size_overflow",
     entry("\"F32\"", "[4294967296,4294967296]", "[0,0]"),
     0,
     {"'w'", "overflows"}},
    {"size_mismatch", entry("\"F32\"", "[2]", "[0,4]"), 8, {"'w'", "size mismatch"}},
    {"offsets_not_array", entry("\"U8\"", "[1]", "0"), 1, {"'w'", "data_offsets"}},
    {"offsets_three_values",
     entry("\"U8\"", "[1]", "[0,1,2]"),
     2,
     {"'w'", "array of two non-negative integers"}},
    {"offsets_negative", entry("\"U8\"", "[1]", "[-1,0]"), 1, {"'w'", "data_offsets"}},
    {"offsets_fractional", entry("\"U8\"", "[1]", "[0,1.0]"), 1, {"'w'", "data_offsets"}},
    {"begin_after_end", entry("\"U8\"", "[1]", "[4,3]"), 8, {"'w'", "begin is after end"}},
    {"offsets_out_of_range", entry("\"F32\"", "[2]", "[4,12]"), 8, {"'w'", "out of range"}},
    {"offsets_huge",
     entry("\"U8\"", "[0]", "[18446744073709551615,18446744073709551615]"),
     8,
     {"'w'", "out of range"}},
    {"overlap",
     R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
                    "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
     12,
     {"'a'", "'b'", "overlap"}},
    {"same_range",
     R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},
                       "b":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}})",
     4,
     {"'a'", "'b'", "overlap"}},
    {"overlap_after_contained",
     R"({"a":{"dtype":"U8","shape":[10],"data_offsets":[0,10]},
                                    "b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
     10,
     {"'a'", "'b'", "overlap"}},
    // Readers that keep the first of two equal keys would see another file.
    {"duplicate_tensor",
     R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},
                             "w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
     4,
     {"duplicate key 'w'", "in the header"}},
    {"duplicate_field",
     R"({"w":{"dtype":"U8","shape":[4],"dtype":"F32","data_offsets":[0,4]}})",
     4,
     {"duplicate key 'dtype'", "inside 'w'"}},
    {"duplicate_metadata",
     R"({"__metadata__":{"a":"1","a":"2"}})",
     0,
     {"duplicate key 'a'", "inside '__metadata__'"}},
    {"metadata_not_object", R"({"__metadata__":["a"]})", 0, {"__metadata__", "not a JSON object"}},
    {"metadata_value_number",
     R"({"__metadata__":{"epoch":3}})",
     0,
     {"__metadata__", "'epoch'", "not a string"}},
    {"metadata_value_null", R"({"__metadata__":{"x":null}})", 0, {"'x'", "not a string"}},
};

INSTANTIATE_TEST_SUITE_P(Safetensors, RejectsHeader, ::testing::ValuesIn(kBadHeaders),
                         [](const auto& info) { return std::string(info.param.case_name); });

class RejectsFile : public SafetensorsTest {};

TEST_F(RejectsFile, ShorterThanTheLengthField) {
  write_bytes(path("short.safetensors"), std::string("\x02\0\0\0\0", 5));
  EXPECT_TRUE(contains_all(load_error(path("short.safetensors")),
                           {path("short.safetensors") + ": ", "too short", "5 bytes"}));
}

TEST_F(RejectsFile, HeaderLengthPastTheEnd) {
  write_bytes(path("past.safetensors"), u64_le(100) + "{}");
  EXPECT_TRUE(contains_all(load_error(path("past.safetensors")),
                           {path("past.safetensors"), "header length 100", "past the end"}));
}

TEST_F(RejectsFile, AbsurdHeaderLengthWithoutAllocating) {
  write_bytes(path("absurd.safetensors"), u64_le(UINT64_MAX) + "{}");
  EXPECT_TRUE(contains_all(load_error(path("absurd.safetensors")),
                           {path("absurd.safetensors"), "exceeds the limit"}));
  write_bytes(path("big.safetensors"), u64_le(100'000'001) + "{}");
  EXPECT_TRUE(contains_all(load_error(path("big.safetensors")), {"exceeds the limit"}));
}

TEST_F(RejectsFile, EmptyFile) {
  write_bytes(path("empty.safetensors"), "");
  EXPECT_TRUE(contains_all(load_error(path("empty.safetensors")),
                           {path("empty.safetensors") + ": ", "empty"}));
}

TEST_F(RejectsFile, MissingFileWithTheOsReason) {
  EXPECT_TRUE(contains_all(load_error(path("nope.safetensors")),
                           {path("nope.safetensors") + ": ", "No such file or directory"}));
}

TEST_F(RejectsFile, DirectoryWithTheOsReason) {
  fs::create_directory(path("dir.safetensors"));
  EXPECT_TRUE(
      contains_all(load_error(path("dir.safetensors")),
                   {path("dir.safetensors") + ": ", "not a regular file", "Is a directory"}));
}

TEST_F(RejectsFile, FifoWithoutHanging) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  EXPECT_TRUE(contains_all(load_error(path("fifo")), {path("fifo"), "not a regular file"}));
}

TEST_F(RejectsFile, TruncatedInTheDataSection) {
  const std::vector<float> values(64, 1.0f);
  write_safetensors(path("full.safetensors"), {{"a", DType::F32, {32}, values.data()},
                                               {"b", DType::F32, {32}, values.data() + 32}});
  const std::string bytes = read_bytes(path("full.safetensors"));
  write_bytes(path("cut.safetensors"), bytes.substr(0, bytes.size() - 100));
  EXPECT_TRUE(contains_all(load_error(path("cut.safetensors")),
                           {path("cut.safetensors") + ": ", "'b'", "out of range", "truncated"}));
}

TEST_F(RejectsFile, TruncatedInTheHeader) {
  write_safetensors(path("full.safetensors"), {}, {{"key", "value"}});
  const std::string bytes = read_bytes(path("full.safetensors"));
  write_bytes(path("cut.safetensors"), bytes.substr(0, bytes.size() - 3));
  EXPECT_TRUE(contains_all(load_error(path("cut.safetensors")), {"past the end"}));
}

TEST_F(RejectsFile, LongNamesAreShortenedInMessages) {
  const std::string name(5000, 'n');
  write_bytes(path("long.safetensors"),
              image(R"({")" + name + R"(":{"dtype":"XX","shape":[],"data_offsets":[0,0]}})", 0));
  const std::string message = load_error(path("long.safetensors"));
  EXPECT_TRUE(contains_all(message, {"unknown dtype", "..."}));
  EXPECT_LT(message.size(), 1000u);
}

// ---- the SafetensorsFile object ---------------------------------------------

class FileObject : public SafetensorsTest {
 protected:
  std::string write_one(const std::string& file, uint8_t value) {
    const std::vector<uint8_t> bytes = {value, value};
    write_safetensors(path(file), {{"t", DType::U8, {2}, bytes.data()}});
    return path(file);
  }
};

TEST_F(FileObject, MoveConstructionLeavesTheSourceEmpty) {
  SafetensorsFile source(write_one("a.safetensors", 7));
  SafetensorsFile target(std::move(source));
  EXPECT_TRUE(source.tensors().empty());  // NOLINT(bugprone-use-after-move): checked on purpose
  EXPECT_EQ(source.find("t"), nullptr);
  ASSERT_NE(target.find("t"), nullptr);
  EXPECT_EQ(tensor_bytes(target, *target.find("t")), (std::vector<uint8_t>{7, 7}));
}

TEST_F(FileObject, MoveAssignmentReleasesTheOldMappingAndTakesTheNew) {
  SafetensorsFile a(write_one("a.safetensors", 1));
  SafetensorsFile b(write_one("b.safetensors", 2));
  a = std::move(b);
  EXPECT_EQ(a.path(), path("b.safetensors"));
  EXPECT_EQ(tensor_bytes(a, *a.find("t")), (std::vector<uint8_t>{2, 2}));
  EXPECT_TRUE(b.tensors().empty());  // NOLINT(bugprone-use-after-move)
  SafetensorsFile& self = a;
  a = std::move(self);
  EXPECT_EQ(tensor_bytes(a, *a.find("t")), (std::vector<uint8_t>{2, 2}));
}

TEST_F(FileObject, DataRejectsAnInfoFromElsewhere) {
  const SafetensorsFile file(write_one("a.safetensors", 1));
  TensorInfo foreign = file.tensors()[0];
  foreign.offset = 1'000'000;
  EXPECT_THROW(file.data(foreign), ArgumentError);
}

// ---- write failures ---------------------------------------------------------

class WriteFailure : public SafetensorsTest {
 protected:
  void SetUp() override {
    SafetensorsTest::SetUp();
    write_safetensors(target(), {{"old", DType::U8, {1}, &old_value_}});
    old_bytes_ = read_bytes(target());
  }
  std::string target() const { return path("model.safetensors"); }
  // Tries to replace the target; returns the FileError message.
  std::string replace_target() {
    const std::vector<float> values(1000, 3.0f);
    try {
      write_safetensors(target(), {{"new", DType::F32, {1000}, values.data()}});
    } catch (const FileError& e) {
      EXPECT_EQ(e.path(), target());
      return e.what();
    }
    return "<no error>";
  }
  void expect_old_file_intact() {
    EXPECT_EQ(read_bytes(target()), old_bytes_);
    const SafetensorsFile file(target());
    EXPECT_NE(file.find("old"), nullptr);
  }

  uint8_t old_value_ = 42;
  std::string old_bytes_;
};

TEST_F(WriteFailure, DirectoryDoesNotExist) {
  const std::string missing = path("no/such/dir/model.safetensors");
  try {
    write_safetensors(missing, {});
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_TRUE(contains_all(e.what(), {missing, "No such file or directory"}));
  }
  EXPECT_FALSE(fs::exists(path("no")));
}

TEST_F(WriteFailure, TemporaryFileCannotBeCreated) {
  fs::create_directory(target() + ".tmp");
  EXPECT_TRUE(contains_all(replace_target(), {target(), ".tmp", "Is a directory"}));
  expect_old_file_intact();
  // What was there is left alone, and nothing else appeared.
  EXPECT_TRUE(fs::is_directory(target() + ".tmp"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 2);
}

TEST_F(WriteFailure, DiskFullLeavesTheOldFileAndNoTemporary) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no writable /dev/full";
  // Every write to /dev/full fails with ENOSPC, as on a full disk.
  fs::create_symlink("/dev/full", target() + ".tmp");
  EXPECT_TRUE(contains_all(replace_target(), {target(), "No space left on device"}));
  expect_old_file_intact();
  EXPECT_FALSE(fs::exists(fs::symlink_status(target() + ".tmp")));
  EXPECT_TRUE(fs::exists("/dev/full"));
}

TEST_F(WriteFailure, RenameOverADirectoryFailsAndCleansUp) {
  const std::string dir_target = path("dir.safetensors");
  fs::create_directories(dir_target + "/inside");
  try {
    write_safetensors(dir_target, {});
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_TRUE(contains_all(e.what(), {dir_target, "renaming"}));
  }
  EXPECT_TRUE(fs::is_directory(dir_target + "/inside"));
  EXPECT_FALSE(fs::exists(dir_target + ".tmp"));
}

class WriteArguments : public SafetensorsTest {};

TEST_F(WriteArguments, DuplicateNames) {
  const uint8_t byte = 1;
  try {
    write_safetensors(path("dup.safetensors"),
                      {{"x", DType::U8, {1}, &byte}, {"x", DType::U8, {1}, &byte}});
    FAIL() << "no error";
  } catch (const ArgumentError& e) {
    EXPECT_TRUE(contains_all(e.what(), {"duplicate", "'x'"}));
  }
  EXPECT_FALSE(fs::exists(path("dup.safetensors")));
  EXPECT_FALSE(fs::exists(path("dup.safetensors.tmp")));
}

TEST_F(WriteArguments, MissingDataBadShapesAndReservedNames) {
  const uint8_t byte = 1;
  const std::string out = path("bad.safetensors");
  EXPECT_THROW(write_safetensors(out, {{"x", DType::F32, {2}, nullptr}}), ArgumentError);
  EXPECT_THROW(write_safetensors(out, {{"x", DType::U8, {-1}, &byte}}), ArgumentError);
  EXPECT_THROW(write_safetensors(out, {{"x", DType::U8, {0, -1}, &byte}}), ArgumentError);
  EXPECT_THROW(write_safetensors(out, {{"x", DType::F64, {INT64_MAX, 2}, &byte}}), ArgumentError);
  EXPECT_THROW(write_safetensors(out, {{"__metadata__", DType::U8, {1}, &byte}}), ArgumentError);
  EXPECT_THROW(write_safetensors(out, {{"bad\xff", DType::U8, {1}, &byte}}), ArgumentError);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  write_safetensors(out, {{"x", DType::F32, {0}, nullptr}});  // empty needs no data
  EXPECT_TRUE(fs::exists(out));
}

}  // namespace
}  // namespace flamingo
