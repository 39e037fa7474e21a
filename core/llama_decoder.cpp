#include "core/llama_decoder.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <mutex>

#include "core/error.h"
#include "core/weights.h"

namespace flamingo {
namespace {

std::string layer_key(int i, const char* leaf) {
  return "model.layers." + std::to_string(i) + "." + leaf + ".weight";
}

// Rotation factors of RoFormer (Su et al., 2021): frequency j of the head
// dimension turns by pos * theta^(-2j/E).
at::Tensor rope_table(int max_seq, int head_dim, double theta, at::Device device) {
  auto j = at::arange(0, head_dim / 2, at::kDouble);
  auto inv_freq = at::pow(theta, -2.0 * j / head_dim);                    // [E/2]
  auto pos = at::arange(0, max_seq, at::kDouble);                          // [max_seq]
  auto angles = at::outer(pos, inv_freq).to(at::kFloat);                   // [max_seq, E/2]
  return at::polar(at::ones_like(angles), angles).to(device);             // complex64
}

// ---------------------------------------------------------------------------
// The decode step (one token, CPU, float32 or bfloat16) without ATen operators.
//
// A small model's decode step is a few hundred thousand multiply-adds; run as
// ATen operators it costs ~70 dispatches per layer, each a few microseconds of
// bookkeeping (OpenBLAS's sgemm also packs the whole weight matrix for a one-row
// product, ATen's bmm opens an OpenMP region whose idle threads then spin, and
// ATen's bfloat16 matrix products are scalar loops). These loops do the same
// arithmetic directly on the tensors' memory. They round to the compute dtype
// wherever the operator version materialises a tensor of that dtype, so they
// agree with it (and with the chunked path, which keeps the operators) up to the
// order of summation. Each output element is summed in an order that depends
// only on the shapes, never on the number of threads.
//
// The weights are read where they lie (memory-mapped, unfused). Fusing q/k/v
// and gate/up into single matrices at load time would save operator dispatches,
// of which there are none here, at the price of copying the weights (and losing
// the mapping); instead the rows of q/k/v, and of gate/up, are handed out to
// threads as one job. Large products are split over at::get_num_threads()
// threads; stories260K-sized ones stay on the calling thread.
namespace step {

// 32-byte vectors are passed only to always-inline functions, so the ABI note
// about them does not apply (it would be reported where templates are instantiated,
// at the end of the file, so it is switched off for the whole file).
#pragma GCC diagnostic ignored "-Wpsabi"

using bf16 = c10::BFloat16;

// GCC/Clang vector extensions: 8 floats. The kernels are compiled for the
// baseline ISA, and on x86 again for AVX2, picked at run time.
typedef float f32x8 __attribute__((vector_size(32)));
typedef std::uint16_t u16x8 __attribute__((vector_size(16)));
typedef std::uint32_t u32x8 __attribute__((vector_size(32)));

#define FLAMINGO_STEP_INLINE inline __attribute__((always_inline))

FLAMINGO_STEP_INLINE float to_float(float v) { return v; }
FLAMINGO_STEP_INLINE float to_float(bf16 v) { return static_cast<float>(v); }

// Unaligned loads: mapped weights need not be 32-byte aligned.
FLAMINGO_STEP_INLINE f32x8 load8(const float* p) {
  f32x8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
FLAMINGO_STEP_INLINE f32x8 load8(const bf16* p) {
  u16x8 h;
  std::memcpy(&h, p, sizeof h);
  const u32x8 w = __builtin_convertvector(h, u32x8) << 16;  // bfloat16 is float's top half
  f32x8 v;
  std::memcpy(&v, &w, sizeof v);
  return v;
}
FLAMINGO_STEP_INLINE float hsum(f32x8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// [a0 + a1, b0 + b1, a2 + a3, b2 + b3, ...]
FLAMINGO_STEP_INLINE f32x8 add_pairs(f32x8 a, f32x8 b) {
  return __builtin_shufflevector(a, b, 0, 8, 2, 10, 4, 12, 6, 14) +
         __builtin_shufflevector(a, b, 1, 9, 3, 11, 5, 13, 7, 15);
}
// Given add_pairs of (v0, v1) in a and of (v2, v3) in b: the sums of lanes 0-3
// of v0 .. v3, then of lanes 4-7.
FLAMINGO_STEP_INLINE f32x8 add_quads(f32x8 a, f32x8 b) {
  return __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13) +
         __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15);
}
// Lane i of the result is the sum of the lanes of v_i.
FLAMINGO_STEP_INLINE f32x8 hsum8(f32x8 v0, f32x8 v1, f32x8 v2, f32x8 v3, f32x8 v4, f32x8 v5,
                                 f32x8 v6, f32x8 v7) {
  const f32x8 lo = add_quads(add_pairs(v0, v1), add_pairs(v2, v3));
  const f32x8 hi = add_quads(add_pairs(v4, v5), add_pairs(v6, v7));
  return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 8, 9, 10, 11) +
         __builtin_shufflevector(lo, hi, 4, 5, 6, 7, 12, 13, 14, 15);
}

// e^x in float32 for 8 lanes: Cephes' expf, 2^n e^r with |r| <= ln(2)/2, within
// a few ulp of libm's. Results below e^-86.5 (3e-38) are flushed to zero, those
// above FLT_MAX are infinite.
FLAMINGO_STEP_INLINE f32x8 exp8(const f32x8 x_in) {
  typedef std::int32_t i32x8 __attribute__((vector_size(32)));
  const f32x8 lo = f32x8{} - 86.5f, hi = f32x8{} + 88.8f;
  f32x8 x = x_in < lo ? lo : x_in;
  x = x > hi ? hi : x;
  const f32x8 magic = f32x8{} + 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const f32x8 t = x * 1.44269504088896341f + magic;
  const f32x8 n = t - magic;
  i32x8 ni;
  std::memcpy(&ni, &t, sizeof ni);
  ni -= 0x4B400000;  // n as an integer, -125 ..
  const f32x8 r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  f32x8 p = 1.9875691500e-4f * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const f32x8 y = p * (r * r) + r + 1.0f;
  const i32x8 bits = (ni + 126) << 23;  // 2^(n-1): n may be 128
  f32x8 half_scale;
  std::memcpy(&half_scale, &bits, sizeof half_scale);
  return x_in < lo ? f32x8{} : (y + y) * half_scale;
}

// The value that a tensor of dtype T holds for v (float32: v itself).
template <class T> FLAMINGO_STEP_INLINE float round_to(float v);
template <> FLAMINGO_STEP_INLINE float round_to<float>(float v) { return v; }
template <> FLAMINGO_STEP_INLINE float round_to<bf16>(float v) { return static_cast<float>(bf16(v)); }

template <class T> FLAMINGO_STEP_INLINE f32x8 round8(f32x8 v);
template <> FLAMINGO_STEP_INLINE f32x8 round8<float>(f32x8 v) { return v; }
template <> FLAMINGO_STEP_INLINE f32x8 round8<bf16>(f32x8 v) {  // as c10::BFloat16(float)
  u32x8 b;
  std::memcpy(&b, &v, sizeof b);
  u32x8 r = (b + 0x7FFFu + ((b >> 16) & 1u)) & 0xFFFF0000u;  // to nearest, ties to even
  r = v != v ? u32x8{} + 0x7FC00000u : r;                     // NaN
  std::memcpy(&v, &r, sizeof v);
  return v;
}

template <class A>
FLAMINGO_STEP_INLINE float dot(const A* a, const float* x, int64_t n) {
  f32x8 acc = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) acc += load8(a + i) * load8(x + i);
  float s = hsum(acc);
  for (; i < n; ++i) s += to_float(a[i]) * x[i];
  return s;
}

// y[r] = round(w[r, :] . x) for a row-major [rows, k] matrix. Four rows at a time
// share the loads of x; every row is summed exactly as dot() sums it.
template <class W>
FLAMINGO_STEP_INLINE void matvec_impl(const W* w, const float* x, float* y, int64_t rows, int64_t k) {
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const W* w0 = w + r * k;
    const W* w1 = w0 + k;
    const W* w2 = w1 + k;
    const W* w3 = w2 + k;
    f32x8 a0 = {}, a1 = {}, a2 = {}, a3 = {};
    int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
      const f32x8 xv = load8(x + i);
      a0 += load8(w0 + i) * xv;
      a1 += load8(w1 + i) * xv;
      a2 += load8(w2 + i) * xv;
      a3 += load8(w3 + i) * xv;
    }
    float s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
    for (; i < k; ++i) {
      s0 += to_float(w0[i]) * x[i];
      s1 += to_float(w1[i]) * x[i];
      s2 += to_float(w2[i]) * x[i];
      s3 += to_float(w3[i]) * x[i];
    }
    y[r] = round_to<W>(s0), y[r + 1] = round_to<W>(s1);
    y[r + 2] = round_to<W>(s2), y[r + 3] = round_to<W>(s3);
  }
  for (; r < rows; ++r) y[r] = round_to<W>(dot(w + r * k, x, k));
}

// Attention of query heads h0 .. h1 - 1 over cached positions 0 .. S - 1, as
// LlamaDecoder::attention computes it for one token (no mask needed).
template <class T>
struct AttendArgs {
  const float* q;  // [H, E], rotated
  float* out;      // [H, E]
  const T *k_cache, *v_cache;  // [G, max_seq, E]
  int64_t R, E, S, max_seq;
};

// Eight dot products q . k_j over the first e8 (a multiple of 8) elements:
// summed lane-wise, then across lanes.
template <class T>
FLAMINGO_STEP_INLINE f32x8 dots8(const T* const k[8], const float* q, int64_t e8) {
  f32x8 p0 = {}, p1 = {}, p2 = {}, p3 = {}, p4 = {}, p5 = {}, p6 = {}, p7 = {};
  for (int64_t e = 0; e < e8; e += 8) {
    const f32x8 qv = load8(q + e);
    p0 += load8(k[0] + e) * qv, p1 += load8(k[1] + e) * qv;
    p2 += load8(k[2] + e) * qv, p3 += load8(k[3] + e) * qv;
    p4 += load8(k[4] + e) * qv, p5 += load8(k[5] + e) * qv;
    p6 += load8(k[6] + e) * qv, p7 += load8(k[7] + e) * qv;
  }
  return hsum8(p0, p1, p2, p3, p4, p5, p6, p7);
}

template <class T>
FLAMINGO_STEP_INLINE void attend_impl(const AttendArgs<T>& a, int64_t h0, int64_t h1, float* scores) {
  const int64_t E = a.E, S = a.S, E8 = E / 8 * 8;
  const float inv_sqrt_e = static_cast<float>(1.0 / std::sqrt(double(E)));
  const float inf = std::numeric_limits<float>::infinity();
  for (int64_t h = h0; h < h1; ++h) {
    const int64_t g = h / a.R;
    const float* q = a.q + h * E;
    const T* keys = a.k_cache + g * a.max_seq * E;    // [S, E]
    const T* values = a.v_cache + g * a.max_seq * E;  // [S, E]

    // Scores, eight positions at a time; those past S (the last block's rows are
    // clamped to S - 1) are set to -inf, which the softmax turns into 0.
    f32x8 m8 = f32x8{} - inf;
    for (int64_t s = 0; s < S; s += 8) {
      const T* k[8];
      for (int j = 0; j < 8; ++j) k[j] = keys + std::min(s + j, S - 1) * E;
      f32x8 sc = dots8(k, q, E8);
      if (E8 < E) {
        float tail[8];
        for (int j = 0; j < 8; ++j) {
          float t = 0;
          for (int64_t e = E8; e < E; ++e) t += to_float(k[j][e]) * q[e];
          tail[j] = t;
        }
        sc += load8(tail);
      }
      sc = round8<T>(round8<T>(sc) * inv_sqrt_e);
      const f32x8 position = f32x8{0, 1, 2, 3, 4, 5, 6, 7} + float(s);
      sc = position < float(S) ? sc : f32x8{} - inf;
      std::memcpy(scores + s, &sc, sizeof sc);  // scores has room for S rounded up to 8
      m8 = m8 > sc ? m8 : sc;
    }
    const float m = std::max(std::max(std::max(m8[0], m8[1]), std::max(m8[2], m8[3])),
                             std::max(std::max(m8[4], m8[5]), std::max(m8[6], m8[7])));
    // Softmax in float32.
    f32x8 sum8 = {};
    for (int64_t s = 0; s < S; s += 8) {
      const f32x8 e = exp8(load8(scores + s) - m);
      std::memcpy(scores + s, &e, sizeof e);
      sum8 += e;
    }
    const float inv_sum = 1.0f / hsum(sum8);  // at::softmax multiplies by the reciprocal too
    for (int64_t s = 0; s < S; s += 8) {
      const f32x8 p = round8<T>(load8(scores + s) * inv_sum);
      std::memcpy(scores + s, &p, sizeof p);
    }

    // Probabilities times values: two accumulators per eight lanes of E, for
    // even and odd positions.
    float* out = a.out + h * E;
    int64_t e0 = 0;
    for (; e0 + 16 <= E; e0 += 16) {
      f32x8 a0 = {}, a1 = {}, b0 = {}, b1 = {};
      int64_t s = 0;
      for (; s + 2 <= S; s += 2) {
        const T* v = values + s * E + e0;
        a0 += scores[s] * load8(v), a1 += scores[s] * load8(v + 8);
        b0 += scores[s + 1] * load8(v + E), b1 += scores[s + 1] * load8(v + E + 8);
      }
      if (s < S) a0 += scores[s] * load8(values + s * E + e0), a1 += scores[s] * load8(values + s * E + e0 + 8);
      const f32x8 r0 = round8<T>(a0 + b0), r1 = round8<T>(a1 + b1);
      std::memcpy(out + e0, &r0, sizeof r0);
      std::memcpy(out + e0 + 8, &r1, sizeof r1);
    }
    for (; e0 + 8 <= E; e0 += 8) {
      f32x8 a0 = {}, b0 = {};
      int64_t s = 0;
      for (; s + 2 <= S; s += 2) {
        a0 += scores[s] * load8(values + s * E + e0);
        b0 += scores[s + 1] * load8(values + (s + 1) * E + e0);
      }
      if (s < S) a0 += scores[s] * load8(values + s * E + e0);
      const f32x8 r0 = round8<T>(a0 + b0);
      std::memcpy(out + e0, &r0, sizeof r0);
    }
    for (; e0 < E; ++e0) {
      float acc = 0;
      for (int64_t s = 0; s < S; ++s) acc += scores[s] * to_float(values[s * E + e0]);
      out[e0] = round_to<T>(acc);
    }
  }
}

// gate_i = round(round(silu(gate_i)) * up_i), silu(g) = g / (1 + e^-g) as at::silu.
template <class T>
FLAMINGO_STEP_INLINE f32x8 swiglu8(f32x8 g, f32x8 u) {
  return round8<T>(round8<T>(g / (1.0f + exp8(-g))) * u);
}

template <class T>
FLAMINGO_STEP_INLINE void swiglu_impl(float* gate, const float* up, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const f32x8 y = swiglu8<T>(load8(gate + i), load8(up + i));
    std::memcpy(gate + i, &y, sizeof y);
  }
  if (i < n) {
    f32x8 g = {}, u = {};
    const size_t bytes = (n - i) * sizeof(float);
    std::memcpy(&g, gate + i, bytes);
    std::memcpy(&u, up + i, bytes);
    const f32x8 y = swiglu8<T>(g, u);
    std::memcpy(gate + i, &y, bytes);
  }
}

template <class T>
void swiglu_base(float* gate, const float* up, int64_t n) {
  swiglu_impl<T>(gate, up, n);
}
template <class W>
void matvec_base(const W* w, const float* x, float* y, int64_t rows, int64_t k) {
  matvec_impl(w, x, y, rows, k);
}
template <class T>
void attend_base(const AttendArgs<T>& a, int64_t h0, int64_t h1, float* scores) {
  attend_impl(a, h0, h1, scores);
}

#if defined(__x86_64__) || defined(__i386__)
#define FLAMINGO_STEP_X86 1
template <class W>
__attribute__((target("avx2"))) void matvec_avx2(const W* w, const float* x, float* y, int64_t rows,
                                                  int64_t k) {
  matvec_impl(w, x, y, rows, k);
}
template <class T>
__attribute__((target("avx2"))) void attend_avx2(const AttendArgs<T>& a, int64_t h0, int64_t h1,
                                                  float* scores) {
  attend_impl(a, h0, h1, scores);
}
template <class T>
__attribute__((target("avx2"))) void swiglu_avx2(float* gate, const float* up, int64_t n) {
  swiglu_impl<T>(gate, up, n);
}
bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

template <class W>
void matvec(const W* w, const float* x, float* y, int64_t rows, int64_t k) {
#ifdef FLAMINGO_STEP_X86
  if (has_avx2()) return matvec_avx2(w, x, y, rows, k);
#endif
  matvec_base(w, x, y, rows, k);
}

template <class T>
void swiglu(float* gate, const float* up, int64_t n) {
#ifdef FLAMINGO_STEP_X86
  if (has_avx2()) return swiglu_avx2<T>(gate, up, n);
#endif
  swiglu_base<T>(gate, up, n);
}

template <class T>
void attend(const AttendArgs<T>& a, int64_t h0, int64_t h1) {
  thread_local std::vector<float> scores;
  if (scores.size() < size_t(a.S + 8)) scores.resize(a.S + 8);
#ifdef FLAMINGO_STEP_X86
  if (has_avx2()) return attend_avx2(a, h0, h1, scores.data());
#endif
  attend_base(a, h0, h1, scores.data());
}


// Work below this many multiply-adds stays on the calling thread: handing it
// out costs more (a task wakes in tens of microseconds). stories260K's largest
// product is 32k.
constexpr int64_t kParallelWork = int64_t(1) << 18;

// Runs body(begin, end) over [0, n) in pieces (multiples of `align` items, each
// worth at least kParallelWork given `work` per item), on the calling thread and
// on up to at::get_num_threads() - 1 tasks of ATen's inter-op pool. Pieces are
// claimed from a shared counter, so a busy pool never blocks the step: the caller
// then does all of them, and it waits only for pieces already started elsewhere.
template <class F>
void parallel_pieces(int64_t n, int64_t work, int64_t align, const F& body) {
  const int64_t most = n * work / kParallelWork;
  const int64_t threads = most < 2 ? 1 : std::min<int64_t>(at::get_num_threads(), most);
  if (threads < 2 || at::in_parallel_region()) return body(int64_t(0), n);

  struct Job {
    std::function<void(int64_t, int64_t)> body;
    int64_t n = 0, piece = 0, count = 0;
    std::atomic<int64_t> next{0}, finished{0};
    std::mutex mutex;
    std::condition_variable all_done;
    void work() {
      for (int64_t i; (i = next.fetch_add(1)) < count;) {
        body(i * piece, std::min(n, (i + 1) * piece));
        if (finished.fetch_add(1) + 1 == count) {
          std::lock_guard<std::mutex> lock(mutex);
          all_done.notify_all();
        }
      }
    }
  };
  auto job = std::make_shared<Job>();
  job->body = [&body](int64_t b, int64_t e) { body(b, e); };  // only run by claimed pieces
  job->n = n;
  const int64_t pieces = std::min<int64_t>(most, 4 * threads);  // slack for a thread held up
  job->piece = ((n + pieces - 1) / pieces + align - 1) / align * align;
  job->count = (n + job->piece - 1) / job->piece;
  for (int64_t t = 1; t < std::min(threads, job->count); ++t) at::launch([job] { job->work(); });
  job->work();
  std::unique_lock<std::mutex> lock(job->mutex);
  job->all_done.wait(lock, [&] { return job->finished.load() == job->count; });
}

// y_j = round(w_j x) for several matrices [rows_j, k] that read the same x, as one
// job so that their rows are shared out together.
template <class T>
struct Projection {
  const T* w;
  float* y;
  int64_t rows;
};

template <class T>
void project(std::initializer_list<Projection<T>> projections, const float* x, int64_t k) {
  int64_t total = 0;
  for (const auto& p : projections) total += p.rows;
  parallel_pieces(total, k, 4, [&](int64_t begin, int64_t end) {
    int64_t offset = 0;
    for (const auto& p : projections) {
      const int64_t lo = std::max(begin, offset), hi = std::min(end, offset + p.rows);
      if (lo < hi) matvec(p.w + (lo - offset) * k, x, p.y + (lo - offset), hi - lo, k);
      offset += p.rows;
    }
  });
}

// RMSNorm in float32 (as LlamaDecoder::rms_norm): y = round(x * rsqrt(mean(x^2) + eps) * w).
template <class T>
void rms_norm(const float* x, const float* w, float* y, int64_t n, float eps) {
  float ss = 0;
  for (int64_t i = 0; i < n; ++i) ss += x[i] * x[i];
  const float scale = 1.0f / std::sqrt(ss / static_cast<float>(n) + eps);
  for (int64_t i = 0; i < n; ++i) y[i] = round_to<T>(x[i] * scale * w[i]);
}

// Rotates n heads of width e at one position; rope holds e/2 (cos, sin) pairs.
// The half layout's pairs (j, j + e/2) land in slots (2j, 2j + 1), as in rotate().
template <class T>
void rotate(const float* x, float* y, const float* rope, int64_t n, int64_t e, bool half) {
  const int64_t e2 = e / 2;
  for (int64_t h = 0; h < n; ++h, x += e, y += e) {
    for (int64_t j = 0; j < e2; ++j) {
      const float a = half ? x[j] : x[2 * j], b = half ? x[j + e2] : x[2 * j + 1];
      const float c = rope[2 * j], s = rope[2 * j + 1];
      y[2 * j] = round_to<T>(a * c - b * s);  // (a + ib)(c + is)
      y[2 * j + 1] = round_to<T>(a * s + b * c);
    }
  }
}

template <class T>
struct LayerArgs {
  const T* x;  // [D]
  T* out;      // [D]
  const float *attn_norm, *ffn_norm;
  const T *wq, *wk, *wv, *wo, *w_gate, *w_up, *w_down;
  T *k_cache, *v_cache;  // [G, max_seq, E]
  const float* rope;     // [E/2, 2] at position P
  int64_t D, H, G, E, F, max_seq, P;
  float eps;
  bool half_rope;
};

// Float32 working memory of the calling thread, reused from step to step.
float* scratch(size_t n) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

template <class T>
void layer(const LayerArgs<T>& a) {
  const int64_t D = a.D, H = a.H, G = a.G, E = a.E, F = a.F;
  float* h = scratch(3 * D + 2 * H * E + 3 * G * E + 2 * F);  // residual stream
  float* n = h + D;                                          // a block's normalised input
  float* o = n + D;                                          // a block's output
  float* q_raw = o + D;
  float* q = q_raw + H * E;
  float* k_raw = q + H * E;
  float* k = k_raw + G * E;
  float* v = k + G * E;
  float* gate = v + G * E;
  float* up = gate + F;
  float* att = q_raw;  // free once q is rotated

  for (int64_t i = 0; i < D; ++i) h[i] = to_float(a.x[i]);

  // Attention.
  rms_norm<T>(h, a.attn_norm, n, D, a.eps);
  project<T>({{a.wq, q_raw, H * E}, {a.wk, k_raw, G * E}, {a.wv, v, G * E}}, n, D);
  rotate<T>(q_raw, q, a.rope, H, E, a.half_rope);
  rotate<T>(k_raw, k, a.rope, G, E, a.half_rope);
  for (int64_t g = 0; g < G; ++g) {
    T* kc = a.k_cache + (g * a.max_seq + a.P) * E;
    T* vc = a.v_cache + (g * a.max_seq + a.P) * E;
    for (int64_t e = 0; e < E; ++e) kc[e] = T(k[g * E + e]), vc[e] = T(v[g * E + e]);
  }
  const AttendArgs<T> at_args{q, att, a.k_cache, a.v_cache, H / G, E, a.P + 1, a.max_seq};
  parallel_pieces(H, 2 * (a.P + 1) * E, 1, [&](int64_t h0, int64_t h1) { attend(at_args, h0, h1); });
  project<T>({{a.wo, o, D}}, att, H * E);
  for (int64_t i = 0; i < D; ++i) h[i] = round_to<T>(h[i] + o[i]);

  // SwiGLU feed-forward.
  rms_norm<T>(h, a.ffn_norm, n, D, a.eps);
  project<T>({{a.w_gate, gate, F}, {a.w_up, up, F}}, n, D);
  swiglu<T>(gate, up, F);
  project<T>({{a.w_down, o, D}}, gate, F);
  for (int64_t i = 0; i < D; ++i) a.out[i] = T(h[i] + o[i]);
}

template <class T>
struct HeadArgs {
  const T* x;        // [D]
  float* logits;     // [V]
  const float* norm;
  const T* lm_head;  // [V, D]
  int64_t D, V;
  float eps;
};

template <class T>
void head(const HeadArgs<T>& a) {
  float* x = scratch(2 * a.D);
  float* n = x + a.D;
  for (int64_t i = 0; i < a.D; ++i) x[i] = to_float(a.x[i]);
  rms_norm<T>(x, a.norm, n, a.D, a.eps);
  project<T>({{a.lm_head, a.logits, a.V}}, n, a.D);
}

}  // namespace step
}  // namespace

namespace detail {
// linear_rows' one-row case (language_decoder.cpp): x [1, K] and w [N, K],
// contiguous CPU tensors of the same dtype, float32 or bfloat16.
at::Tensor step_linear(const at::Tensor& x, const at::Tensor& w) {
  const int64_t N = w.size(0), K = w.size(1);
  const auto xf = x.to(at::kFloat).contiguous();                     // [1, K]
  auto y = at::empty({1, N}, xf.options());                          // [1, N], rounded to w's dtype
  auto run = [&](auto tag) {
    using T = decltype(tag);
    step::project<T>({{w.data_ptr<T>(), y.data_ptr<float>(), N}}, xf.data_ptr<float>(), K);
  };
  if (w.scalar_type() == at::kFloat)
    run(float());
  else
    run(c10::BFloat16());
  return y.to(x.scalar_type());
}
}  // namespace detail

LlamaDecoder::LlamaDecoder(const LanguageModelConfig& c, WeightStore& w, at::ScalarType dtype,
                           at::Device device)
    : config_(c), dtype_(dtype), device_(device) {
  const int64_t D = c.dim, F = c.hidden_dim, V = c.vocab_size;
  const int64_t HE = int64_t(c.n_heads) * c.head_dim(), GE = int64_t(c.n_kv_heads) * c.head_dim();
  embed_tokens_ = w.get("model.embed_tokens.weight", {V, D}, dtype, device);
  for (int i = 0; i < c.n_layers; ++i) {
    DecoderLayer l;
    l.attn_norm = w.get(layer_key(i, "input_layernorm"), {D}, at::kFloat, device);
    l.wq = w.get(layer_key(i, "self_attn.q_proj"), {HE, D}, dtype, device);
    l.wk = w.get(layer_key(i, "self_attn.k_proj"), {GE, D}, dtype, device);
    l.wv = w.get(layer_key(i, "self_attn.v_proj"), {GE, D}, dtype, device);
    l.wo = w.get(layer_key(i, "self_attn.o_proj"), {D, HE}, dtype, device);
    l.ffn_norm = w.get(layer_key(i, "post_attention_layernorm"), {D}, at::kFloat, device);
    l.w_gate = w.get(layer_key(i, "mlp.gate_proj"), {F, D}, dtype, device);
    l.w_up = w.get(layer_key(i, "mlp.up_proj"), {F, D}, dtype, device);
    l.w_down = w.get(layer_key(i, "mlp.down_proj"), {D, F}, dtype, device);
    layers_.push_back(std::move(l));
  }
  norm_ = w.get("model.norm.weight", {D}, at::kFloat, device);
  lm_head_ = c.tie_embeddings ? embed_tokens_ : w.get("lm_head.weight", {V, D}, dtype, device);
  rope_ = rope_table(c.max_seq_len, c.head_dim(), c.rope_theta, device);
  rope_cos_sin_ = at::view_as_real(rope_);  // [max_seq, E/2, 2]

  // The decode step runs without operators when everything it reads is plain
  // contiguous CPU memory of a dtype it knows.
  auto plain = [&](const at::Tensor& t) { return t.device().is_cpu() && t.is_contiguous(); };
  step_ok_ = device_.is_cpu() && (dtype_ == at::kFloat || dtype_ == at::kBFloat16) &&
             c.n_kv_heads > 0 && c.n_heads % c.n_kv_heads == 0 && c.head_dim() % 2 == 0 &&
             plain(norm_) && plain(lm_head_) && plain(rope_cos_sin_);
  for (const auto& l : layers_)
    for (const auto* t : {&l.attn_norm, &l.wq, &l.wk, &l.wv, &l.wo, &l.ffn_norm, &l.w_gate, &l.w_up,
                          &l.w_down})
      step_ok_ = step_ok_ && plain(*t);
}

KVCache LlamaDecoder::new_cache() const {
  return allocate_kv_cache(config_, config_.n_kv_heads, dtype_, device_);
}

at::Tensor LlamaDecoder::embed(const at::Tensor& tokens) const {
  return at::embedding(embed_tokens_, tokens);  // [T, D]
}

at::Tensor LlamaDecoder::rms_norm(const at::Tensor& x, const at::Tensor& weight) const {
  // In float32 whatever the weights' dtype: the mean of squares loses too much in bf16.
  auto xf = x.to(at::kFloat);                                             // [T, D]
  auto scale = at::rsqrt(xf.pow(2).mean(-1, true) + config_.norm_eps);    // [T, 1]
  return (xf * scale * weight).to(dtype_);                                 // [T, D]
}

at::Tensor LlamaDecoder::rotate(const at::Tensor& x, int pos) const {
  const int64_t T = x.size(0), N = x.size(1), E = x.size(2);
  at::Tensor pairs;
  if (config_.rope_layout == RopeLayout::kInterleaved) {
    pairs = x.to(at::kFloat).reshape({T, N, E / 2, 2});                  // pairs (2j, 2j+1)
  } else {
    // Half rotation pairs (j, j + E/2). Gathering them into adjacent slots permutes
    // the head dimension of queries and keys alike, which leaves q.k unchanged, so
    // the permuted order is kept (also in the cache).
    pairs = x.to(at::kFloat).reshape({T, N, 2, E / 2}).transpose(2, 3).contiguous();
  }
  auto rot = at::view_as_complex(pairs) * rope_.narrow(0, pos, T).unsqueeze(1);  // [T, N, E/2]
  return at::view_as_real(rot).reshape({T, N, E}).to(dtype_);             // [T, N, E]
}

at::Tensor LlamaDecoder::attention(int i, const at::Tensor& x, KVCache& cache) const {
  const auto& l = layers_[i];
  const int64_t T = x.size(0), P = cache.length, S = P + T;
  const int64_t H = config_.n_heads, G = config_.n_kv_heads, R = H / G, E = config_.head_dim();
  auto q = rotate(at::matmul(x, l.wq.t()).view({T, H, E}), P);     // [T, H, E]
  auto k = rotate(at::matmul(x, l.wk.t()).view({T, G, E}), P);     // [T, G, E]
  auto v = at::matmul(x, l.wv.t()).view({T, G, E});                 // [T, G, E]
  cache.k[i].narrow(1, P, T).copy_(k.transpose(0, 1));              // [G, T, E]
  cache.v[i].narrow(1, P, T).copy_(v.transpose(0, 1));
  auto keys = cache.k[i].narrow(1, 0, S);                           // [G, S, E]
  auto values = cache.v[i].narrow(1, 0, S);                         // [G, S, E]

  // Grouped-query attention without copying keys: the R query heads that share a
  // key head are stacked along the token axis.
  auto qg = q.view({T, G, R, E}).permute({1, 2, 0, 3}).reshape({G, R * T, E});  // [G, R*T, E]
  auto scores = at::bmm(qg, keys.transpose(1, 2)) * (1.0 / std::sqrt(double(E)));  // [G, R*T, S]
  if (T > 1) {
    // Token t sits at position P + t and sees positions 0 .. P + t.
    auto mask = at::ones({T, S}, at::TensorOptions().dtype(at::kBool).device(device_))
                    .triu(P + 1);                                   // [T, S] true = hidden
    scores = scores.view({G, R, T, S}).masked_fill(mask, -INFINITY).view({G, R * T, S});
  }
  auto probs = at::softmax(scores, -1, at::kFloat).to(dtype_);      // [G, R*T, S]
  auto out = at::bmm(probs, values);                                // [G, R*T, E]
  out = out.view({G, R, T, E}).permute({2, 0, 1, 3}).reshape({T, H * E});  // [T, H*E]
  return at::matmul(out, l.wo.t());                                 // [T, D]
}

bool LlamaDecoder::can_step(const at::Tensor& x, int i, const KVCache* cache) const {
  if (!step_ok_ || x.dim() != 2 || x.size(0) != 1 || x.size(1) != config_.dim ||
      x.scalar_type() != dtype_ || !x.device().is_cpu())
    return false;
  // The loops record nothing for autograd: a step being trained takes the operators.
  if (x.requires_grad() || (i >= 0 && layers_[i].wq.requires_grad())) return false;
  if (cache == nullptr) return true;
  if (cache->length < 0 || cache->length >= config_.max_seq_len) return false;  // the operators say why
  const int64_t shape[] = {config_.n_kv_heads, config_.max_seq_len, config_.head_dim()};
  for (const auto* t : {&cache->k.at(i), &cache->v.at(i)})
    if (t->scalar_type() != dtype_ || !t->device().is_cpu() || !t->is_contiguous() ||
        t->sizes() != at::IntArrayRef(shape))
      return false;
  return true;
}

at::Tensor LlamaDecoder::layer_step(int i, const at::Tensor& x_in, KVCache& cache) const {
  const auto& l = layers_[i];
  const auto x = x_in.contiguous();
  auto out = at::empty({1, config_.dim}, x.options());
  const int64_t E = config_.head_dim();
  auto run = [&](auto tag) {
    using T = decltype(tag);
    step::LayerArgs<T> a;
    a.x = x.data_ptr<T>();
    a.out = out.data_ptr<T>();
    a.attn_norm = l.attn_norm.data_ptr<float>();
    a.ffn_norm = l.ffn_norm.data_ptr<float>();
    a.wq = l.wq.data_ptr<T>(), a.wk = l.wk.data_ptr<T>(), a.wv = l.wv.data_ptr<T>();
    a.wo = l.wo.data_ptr<T>();
    a.w_gate = l.w_gate.data_ptr<T>(), a.w_up = l.w_up.data_ptr<T>(), a.w_down = l.w_down.data_ptr<T>();
    a.k_cache = cache.k[i].data_ptr<T>();
    a.v_cache = cache.v[i].data_ptr<T>();
    a.rope = rope_cos_sin_.data_ptr<float>() + int64_t(cache.length) * E;
    a.D = config_.dim, a.H = config_.n_heads, a.G = config_.n_kv_heads, a.E = E;
    a.F = config_.hidden_dim, a.max_seq = config_.max_seq_len, a.P = cache.length;
    a.eps = static_cast<float>(config_.norm_eps);
    a.half_rope = config_.rope_layout == RopeLayout::kHalf;
    step::layer(a);
  };
  if (dtype_ == at::kFloat)
    run(float());
  else
    run(c10::BFloat16());
  return out;
}

at::Tensor LlamaDecoder::head_step(const at::Tensor& x_in) const {
  const auto x = x_in.contiguous();
  auto logits = at::empty({1, config_.vocab_size}, x.options().dtype(at::kFloat));
  auto run = [&](auto tag) {
    using T = decltype(tag);
    step::HeadArgs<T> a;
    a.x = x.data_ptr<T>();
    a.logits = logits.data_ptr<float>();
    a.norm = norm_.data_ptr<float>();
    a.lm_head = lm_head_.data_ptr<T>();
    a.D = config_.dim, a.V = config_.vocab_size;
    a.eps = static_cast<float>(config_.norm_eps);
    step::head(a);
  };
  if (dtype_ == at::kFloat)
    run(float());
  else
    run(c10::BFloat16());
  return logits;
}

at::Tensor LlamaDecoder::layer(int i, const at::Tensor& x, KVCache& cache) const {
  if (can_step(x, i, &cache)) return layer_step(i, x, cache);
  const auto& l = layers_[i];
  auto h = x + attention(i, rms_norm(x, l.attn_norm), cache);       // [T, D]
  auto n = rms_norm(h, l.ffn_norm);
  auto gate = at::silu(at::matmul(n, l.w_gate.t()));                // [T, F]
  auto up = at::matmul(n, l.w_up.t());                              // [T, F]
  return h + at::matmul(gate * up, l.w_down.t());                   // [T, D]
}

at::Tensor LlamaDecoder::head(const at::Tensor& x) const {
  if (can_step(x, 0, nullptr)) return head_step(x);
  return at::matmul(rms_norm(x, norm_), lm_head_.t()).to(at::kFloat);  // [T, V]
}

at::Tensor LlamaDecoder::forward(const at::Tensor& tokens, KVCache& cache, bool all_logits) const {
  const int64_t T = tokens.size(0);
  if (cache.length + T > config_.max_seq_len)
    throw Error("the conversation needs " + std::to_string(cache.length + T) +
                " tokens, more than the model's context of " + std::to_string(config_.max_seq_len));
  auto x = embed(tokens);                                           // [T, D]
  for (int i = 0; i < config_.n_layers; ++i) x = layer(i, x, cache);
  cache.length += static_cast<int>(T);
  return head(all_logits ? x : x.narrow(0, T - 1, 1));             // [T or 1, V]
}

}  // namespace flamingo
