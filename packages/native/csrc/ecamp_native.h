/*
 * @ecamp/native — shared declarations of the native kernels.
 *
 * Every kernel works on float32 data that lives on the TF.js wasm heap: JavaScript passes the
 * heap's ArrayBuffer and byte offsets, the kernel reads and writes in place (no copies per op).
 * Parallelism: our own pool (pool.c) over each kernel's outer loop; OpenBLAS is always called
 * single-threaded, from inside the pool's tasks, so exactly one set of threads exists.
 */
#ifndef ECAMP_NATIVE_H
#define ECAMP_NATIVE_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Calls from JavaScript
 * ------------------------------------------------------------------------------------------- */

#define ECAMP_MAX_ARGS 48

/** One call's arguments: argv[0] is the heap ArrayBuffer, then numbers. */
typedef struct {
  napi_env env;
  const char *fn;
  size_t argc;
  napi_value argv[ECAMP_MAX_ARGS];
  uint8_t *heap;
  size_t heap_len;
  int failed;
} ecamp_call;

/** Reads the arguments; throws (and returns 0) unless there are exactly `nargs` after the heap. */
int ecamp_begin(napi_env env, napi_callback_info info, ecamp_call *c, const char *fn, size_t nargs);
/** Integer argument i (1-based after the heap). */
int64_t ecamp_int(ecamp_call *c, size_t i);
/** Floating-point argument i. */
double ecamp_num(ecamp_call *c, size_t i);
/**
 * Pointer for the byte offset in argument i, checked to hold `count` float32 values inside the
 * heap and to be 4-byte aligned. A negative offset means "absent" and gives NULL.
 */
float *ecamp_f32(ecamp_call *c, size_t i, int64_t count);
/** Same for int32 data. */
int32_t *ecamp_i32(ecamp_call *c, size_t i, int64_t count);
/** Float64Array argument i (plans and tables): its data and length. */
double *ecamp_f64_array(ecamp_call *c, size_t i, size_t *len);
/**
 * Throws (and returns 0) unless every idx[k], k < count, lies in [min, limit); the message is
 * `fmt` (a printf format) given the index (%d), its position k (%lld) and limit (%lld).
 */
int ecamp_check_indices(ecamp_call *c, const int32_t *idx, int64_t count, int32_t min, int64_t limit, const char *fmt);
/** Throws a JavaScript Error "ecamp-native <fn>: <msg>" once per call. */
void ecamp_fail(ecamp_call *c, const char *msg);
/** Returns undefined, or NULL when the call failed (the pending exception is thrown). */
napi_value ecamp_end(ecamp_call *c);

/* ---------------------------------------------------------------------------------------------
 * Threads (pool.c)
 * ------------------------------------------------------------------------------------------- */

/** One task of a parallel job; `thread` is 0 for the calling thread, 1.. for workers. */
typedef void (*ecamp_task_fn)(void *ctx, int64_t task, int thread);
/** A contiguous range [lo, hi) of items of a parallel loop. */
typedef void (*ecamp_range_fn)(void *ctx, int64_t lo, int64_t hi, int thread);

/** Runs fn(ctx, 0..tasks−1) on the pool (the caller works too); returns when all are done. */
void ecamp_parallel(int64_t tasks, ecamp_task_fn fn, void *ctx);
/**
 * Splits items [0, n) into ranges (a few per thread, none below ~8k operations, none at all
 * below ~32k in total) and runs them on the pool; `cost_per_item` is in rough float operations.
 */
void ecamp_parallel_range(int64_t n, double cost_per_item, ecamp_range_fn fn, void *ctx);
/** Sets the pool size (threads including the caller); returns the size obtained. */
int ecamp_pool_resize(int threads);
/** Threads including the caller. */
int ecamp_pool_threads(void);

/** Scratch slots: each names one user, so nested users never share a buffer. */
enum { ECAMP_SCRATCH_BLOCK_H, ECAMP_SCRATCH_BLOCK_G, ECAMP_SCRATCH_BLOCK_DX2, ECAMP_SCRATCH_ATTENTION, ECAMP_SCRATCH_CONV_A, ECAMP_SCRATCH_CONV_B, ECAMP_SCRATCH_SLOTS };
/**
 * A buffer of at least `bytes` for the task that pool thread `thread` runs (0 = the caller) in
 * `slot`, kept between calls of the calling thread (NULL when out of memory).
 */
void *ecamp_scratch(int thread, int slot, size_t bytes);

/* ---------------------------------------------------------------------------------------------
 * Matrix products (gemm.c)
 * ------------------------------------------------------------------------------------------- */

/** Single-threaded row-major C = alpha·op(A)·op(B) + beta·C (OpenBLAS). */
void ecamp_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);

/**
 * Batched, multithreaded product: for each of `batch` matrices (strides in elements; a stride
 * of 0 broadcasts), C_i = alpha·op(A_i)·op(B_i) + beta·C_i. Splits rows or columns when there
 * are fewer matrices than threads.
 */
void ecamp_gemm_batched(int trans_a, int trans_b, int batch, int m, int n, int k, float alpha,
                        const float *a, int64_t stride_a, int lda, const float *b, int64_t stride_b,
                        int ldb, float beta, float *c, int64_t stride_c, int ldc);

/* ---------------------------------------------------------------------------------------------
 * Building blocks shared by kernels (fused.c, attention.c)
 * ------------------------------------------------------------------------------------------- */

/** A view of heads: element pointer and strides per batch, per head, per row. */
typedef struct {
  float *p;
  int64_t sb, sh, sr;
} ecamp_operand;

void ecamp_layer_norm(int64_t rows, int64_t d, float eps, const float *x, const float *w, const float *b, float *y, float *mean, float *rstd);
/** out = LN(x) from the statistics saved by the forward pass (exactly the forward's values). */
void ecamp_layer_norm_apply(int64_t rows, int64_t d, const float *x, const float *mean, const float *rstd, const float *w, const float *b, float *out);
/** Returns 0 when out of memory. */
int ecamp_layer_norm_grad(int64_t rows, int64_t d, const float *x, const float *w, const float *mean, const float *rstd, const float *dy, float *dx,
                          float *dw, float *db);
void ecamp_gelu(int64_t n, const float *x, float *y);
/** dst[c] = Σ_r src[r, c] over rows in order (deterministic), parallel over column blocks. */
void ecamp_column_sums(int64_t rows, int64_t cols, const float *src, float *dst);
void ecamp_gelu_grad(int64_t n, const float *x, const float *dy, float *dx);
/** y = x·W (+ b) for x [rows, in], W [in, out]; with `accumulate`, y += x·W (+ b). b may be NULL. */
void ecamp_linear(int64_t rows, int in, int out, const float *x, const float *w, const float *b, float *y, int accumulate);
/**
 * Backward of {@link ecamp_linear} from dy [rows, out]: db = Σ_rows dy (skipped when db is NULL),
 * dW = xᵀ·dy, then dx = dy·Wᵀ (dx may be x: it is written last).
 */
void ecamp_linear_grad(int64_t rows, int in, int out, const float *x, const float *w, const float *dy, float *dx, float *dw, float *db);
/** probs [B, H, N, M] written; mask [B, M] or NULL. */
void ecamp_attention(int B, int H, int N, int M, int hd, float scale, ecamp_operand q, ecamp_operand k, ecamp_operand v, ecamp_operand o,
                     float *probs, const float *mask);
/** Returns 0 when out of memory. dprobs may be NULL. */
int ecamp_attention_grad(int B, int H, int N, int M, int hd, float scale, ecamp_operand q, ecamp_operand k, ecamp_operand v, ecamp_operand dout,
                         const float *probs, const float *dprobs, ecamp_operand dq, ecamp_operand dk, ecamp_operand dv);

/**
 * Offsets in two strided views (strides sa, sb) of row-major index o over dims [0, dims) of
 * `shape`: the outer loop of the copy and element-wise kernels.
 */
static inline void ecamp_unravel2(int64_t o, int dims, const int64_t *shape, const int64_t *sa, const int64_t *sb, int64_t *oa, int64_t *ob) {
  int64_t a = 0, b = 0;
  for (int i = dims - 1; i >= 0; i--) {
    const int64_t idx = o % shape[i];
    o /= shape[i];
    a += idx * sa[i];
    b += idx * sb[i];
  }
  *oa = a;
  *ob = b;
}

/* ---------------------------------------------------------------------------------------------
 * Vectorisable elementary functions (float32, NaN-propagating)
 * ------------------------------------------------------------------------------------------- */

/** e^x with ~1 ulp error (Cephes polynomial); 0 below −87.3, clamped to e^88.3 above (never inf). */
static inline float ecamp_expf(float x) {
  const float lo = -87.3f, hi = 88.3f;
  float xc = x < lo ? lo : x;
  xc = xc > hi ? hi : xc;
  /* x = n·ln2 + r, |r| ≤ ln2/2; n rounded by the 1.5·2²³ trick (floorf blocks vectorisation). */
  const float t = xc * 1.44269504088896341f;
  const float n = (t + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  union {
    int32_t i;
    float f;
  } scale;
  scale.i = ((int32_t)n + 127) << 23;
  const float s = scale.f;
  float y = p * s;
  return x < lo ? 0.0f : y;
}

/** erf(x), rational approximation on [−4, 4] (±1 outside), max abs error ~1e-7. */
static inline float ecamp_erff(float x) {
  float xc = x < -4.0f ? -4.0f : x;
  xc = xc > 4.0f ? 4.0f : xc;
  const float x2 = xc * xc;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  p = p * xc;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return p / q;
}

/* ---------------------------------------------------------------------------------------------
 * Exported functions, one per kernel (each file registers its own)
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  const char *name;
  napi_callback fn;
} ecamp_export;

/* Each file exports a null-terminated table. */
extern const ecamp_export ecamp_gemm_exports[];
extern const ecamp_export ecamp_fused_exports[];
extern const ecamp_export ecamp_attention_exports[];
extern const ecamp_export ecamp_conv_exports[];
extern const ecamp_export ecamp_memory_exports[];
extern const ecamp_export ecamp_elementwise_exports[];
extern const ecamp_export ecamp_block_exports[];

#endif
