/*
 * Element-wise arithmetic with broadcasting (inputs as strided views, stride 0 = broadcast;
 * output contiguous), unary functions, and reductions of [outer, reduced, inner] blocks.
 */
#include "ecamp_native.h"

#include <math.h>
#include <stdlib.h>

#define ECAMP_MAX_RANK 8

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_MAX = 4, OP_MIN = 5, OP_SQDIFF = 6 };

static inline float apply_binary(int op, float a, float b) {
  switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_DIV: return a / b;
    /* NaN-propagating like tf.maximum/minimum. */
    case OP_MAX: return (a != a || b != b) ? NAN : (a > b ? a : b);
    case OP_MIN: return (a != a || b != b) ? NAN : (a < b ? a : b);
    default: { const float d = a - b; return d * d; }
  }
}

/* One innermost run; the op is hoisted so each loop is a plain vectorisable form. */
#define RUN_LOOP(EXPR)                                                          \
  do {                                                                          \
    if (sa == 1 && sb == 1) {                                                   \
      _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { const float x = a[i], y = b[i]; out[i] = (EXPR); } \
    } else if (sa == 1 && sb == 0) {                                            \
      const float y = b[0];                                                     \
      _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { const float x = a[i]; out[i] = (EXPR); } \
    } else if (sa == 0 && sb == 1) {                                            \
      const float x = a[0];                                                     \
      _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { const float y = b[i]; out[i] = (EXPR); } \
    } else {                                                                    \
      for (int64_t i = 0; i < n; i++) { const float x = a[i * sa], y = b[i * sb]; out[i] = (EXPR); } \
    }                                                                           \
  } while (0)

static void binary_run(int op, const float *a, int64_t sa, const float *b, int64_t sb, float *out, int64_t n) {
  switch (op) {
    case OP_ADD: RUN_LOOP(x + y); break;
    case OP_SUB: RUN_LOOP(x - y); break;
    case OP_MUL: RUN_LOOP(x * y); break;
    case OP_DIV: RUN_LOOP(x / y); break;
    case OP_SQDIFF: RUN_LOOP((x - y) * (x - y)); break;
    default:
      for (int64_t i = 0; i < n; i++) out[i] = apply_binary(op, a[i * sa], b[i * sb]);
  }
}


typedef struct {
  int op, rank;
  const int64_t *shape, *sa, *sb;
  const float *a, *b;
  float *out;
  int64_t inner;
} binary_job;

/* Outer indices [lo, hi): one innermost run each. */
static void binary_runs(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const binary_job *j = (const binary_job *)ctx;
  const int r = j->rank;
  for (int64_t o = lo; o < hi; o++) {
    int64_t oa, ob;
    ecamp_unravel2(o, r - 1, j->shape, j->sa, j->sb, &oa, &ob);
    binary_run(j->op, j->a + oa, j->sa[r - 1], j->b + ob, j->sb[r - 1], j->out + o * j->inner, j->inner);
  }
}

/* Elements [lo, hi) of a single run. */
static void binary_split_run(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const binary_job *j = (const binary_job *)ctx;
  const int64_t sa = j->sa[j->rank - 1], sb = j->sb[j->rank - 1];
  binary_run(j->op, j->a + lo * sa, sa, j->b + lo * sb, sb, j->out + lo, hi - lo);
}

/*
 * binary(heap, op, plan, aOff, bOff, outOff): plan = Float64Array [rank, outShape×rank,
 * aStrides×rank, bStrides×rank]; op 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 6 squared diff.
 */
static napi_value js_binary(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "binary", 5)) return NULL;
  const int op = (int)ecamp_int(&c, 1);
  size_t len = 0;
  const double *plan = ecamp_f64_array(&c, 2, &len);
  if (c.failed) return NULL;
  const int rank = len > 0 ? (int)plan[0] : -1;
  if (op < 0 || op > OP_SQDIFF || rank < 0 || rank > ECAMP_MAX_RANK || len != (size_t)(1 + 3 * rank)) {
    ecamp_fail(&c, "bad op or plan");
    return NULL;
  }
  int64_t shape[ECAMP_MAX_RANK + 1], sa[ECAMP_MAX_RANK + 1], sb[ECAMP_MAX_RANK + 1];
  int64_t count = 1, ea = 1, eb = 1;
  int r = 0;
  for (int i = 0; i < rank; i++) {
    const int64_t d = (int64_t)plan[1 + i], a_s = (int64_t)plan[1 + rank + i], b_s = (int64_t)plan[1 + 2 * rank + i];
    if (d < 0 || a_s < 0 || b_s < 0) {
      ecamp_fail(&c, "negative size or stride");
      return NULL;
    }
    count *= d;
    if (d == 0) continue;
    ea += (d - 1) * a_s;
    eb += (d - 1) * b_s;
    if (d == 1) continue;
    /* Merge with the previous dim when both inputs stay contiguous (or broadcast) across it. */
    if (r > 0 && sa[r - 1] == a_s * d && sb[r - 1] == b_s * d) {
      shape[r - 1] *= d;
      sa[r - 1] = a_s;
      sb[r - 1] = b_s;
      continue;
    }
    shape[r] = d;
    sa[r] = a_s;
    sb[r] = b_s;
    r++;
  }
  if (r == 0) {
    shape[0] = 1;
    sa[0] = 1;
    sb[0] = 1;
    r = 1;
  }
  if (count == 0) return ecamp_end(&c);
  const float *a = ecamp_f32(&c, 3, ea), *b = ecamp_f32(&c, 4, eb);
  float *out = ecamp_f32(&c, 5, count);
  if (c.failed) return NULL;
  if (!a || !b || !out) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  binary_job j = {op, r, shape, sa, sb, a, b, out, shape[r - 1]};
  if (count / j.inner == 1) {
    /* One long run: split it. */
    ecamp_parallel_range(j.inner, 1, binary_split_run, &j);
  } else {
    ecamp_parallel_range(count / j.inner, (double)j.inner, binary_runs, &j);
  }
  return ecamp_end(&c);
}

enum { UN_EXP = 0, UN_SQRT = 1, UN_RSQRT = 2, UN_SQUARE = 3, UN_NEG = 4, UN_RELU = 5, UN_ABS = 6, UN_LOG = 7, UN_ERF = 8, UN_SCALE = 9 };

typedef struct {
  int op;
  const float *x;
  float *y;
  float alpha;
} unary_job;

static void unary_range(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const unary_job *j = (const unary_job *)ctx;
  const float *x = j->x + lo;
  float *y = j->y + lo;
  const int64_t n = hi - lo;
  const float alpha = j->alpha;
#define UNARY_LOOP(EXPR) for (int64_t i = 0; i < n; i++) { const float v = x[i]; y[i] = (EXPR); }
  switch (j->op) {
    case UN_EXP: UNARY_LOOP(ecamp_expf(v)); break;
    case UN_SQRT: UNARY_LOOP(sqrtf(v)); break;
    case UN_RSQRT: UNARY_LOOP(1.0f / sqrtf(v)); break;
    case UN_SQUARE: UNARY_LOOP(v * v); break;
    case UN_NEG: UNARY_LOOP(-v); break;
    case UN_RELU: UNARY_LOOP(v > 0.0f ? v : (v != v ? v : 0.0f)); break;
    case UN_ABS: UNARY_LOOP(fabsf(v)); break;
    case UN_LOG: UNARY_LOOP(logf(v)); break;
    case UN_ERF: UNARY_LOOP(ecamp_erff(v)); break;
    default: UNARY_LOOP(alpha * v); break;
  }
#undef UNARY_LOOP
}

/* unary(heap, op, n, xOff, yOff, alpha): y = f(x); UN_SCALE computes alpha·x. */
static napi_value js_unary(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "unary", 5)) return NULL;
  const int op = (int)ecamp_int(&c, 1);
  const int64_t n = ecamp_int(&c, 2);
  const float *x = ecamp_f32(&c, 3, n);
  float *y = ecamp_f32(&c, 4, n);
  const float alpha = (float)ecamp_num(&c, 5);
  if (c.failed) return NULL;
  if (op < 0 || op > UN_SCALE || (n > 0 && (!x || !y))) {
    ecamp_fail(&c, "bad op or missing operand");
    return NULL;
  }
  unary_job j = {op, x, y, alpha};
  ecamp_parallel_range(n, op == UN_EXP || op == UN_ERF || op == UN_LOG ? 12 : 1, unary_range, &j);
  return ecamp_end(&c);
}

enum { RED_SUM = 0, RED_MAX = 1, RED_MIN = 2, RED_MEAN = 3 };

typedef struct {
  int op;
  int64_t red, inner;
  const float *x;
  float *y;
  float init;
  int64_t blocks;
} reduce_job;

/* Rows [lo, hi) reduced to scalars (the common "last axis" case). */
static void reduce_rows(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const reduce_job *j = (const reduce_job *)ctx;
  const int op = j->op;
  for (int64_t o = lo; o < hi; o++) {
    const float *row = j->x + o * j->red;
    float acc = j->init;
    if (op == RED_SUM || op == RED_MEAN) {
#pragma omp simd reduction(+ : acc)
      for (int64_t k = 0; k < j->red; k++) acc += row[k];
    } else {
      int nan = 0;
      for (int64_t k = 0; k < j->red; k++) {
        const float v = row[k];
        nan |= v != v;
        acc = op == RED_MAX ? (v > acc ? v : acc) : (v < acc ? v : acc);
      }
      if (nan) acc = NAN;
    }
    j->y[o] = op == RED_MEAN ? acc / (float)j->red : acc;
  }
}

/* Column blocks [lo, hi) of [outer, reduced, inner]. */
static void reduce_columns(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const reduce_job *j = (const reduce_job *)ctx;
  const int op = j->op;
  for (int64_t t = lo; t < hi; t++) {
    const int64_t o = t / j->blocks, i0 = (t % j->blocks) * 256, i1 = i0 + 256 < j->inner ? i0 + 256 : j->inner;
    float *dst = j->y + o * j->inner;
    for (int64_t i = i0; i < i1; i++) dst[i] = j->init;
    for (int64_t k = 0; k < j->red; k++) {
      const float *row = j->x + (o * j->red + k) * j->inner;
      if (op == RED_SUM || op == RED_MEAN) {
        for (int64_t i = i0; i < i1; i++) dst[i] += row[i];
      } else {
        for (int64_t i = i0; i < i1; i++) dst[i] = apply_binary(op == RED_MAX ? OP_MAX : OP_MIN, dst[i], row[i]);
      }
    }
    if (op == RED_MEAN)
      for (int64_t i = i0; i < i1; i++) dst[i] /= (float)j->red;
  }
}

typedef struct {
  const reduce_job *j;
  int64_t outer, slices, per_slice;
  float *partial;
} reduce_slices_job;

/*
 * Slice t of the reduced axis, for every (outer, inner) output: partial[t, o, i] (sum). The
 * slice's rows of one `outer` are contiguous, so they are added as one flat vector into a
 * buffer of whole rows (a multiple of `inner` near 128 floats) that is folded at the end.
 */
static void reduce_slice_task(void *ctx, int64_t t, int thread) {
  (void)thread;
  const reduce_slices_job *s = (const reduce_slices_job *)ctx;
  const reduce_job *j = s->j;
  const int64_t c = j->inner;
  const int64_t r0 = t * s->per_slice, r1 = r0 + s->per_slice < j->red ? r0 + s->per_slice : j->red;
  const int64_t width = (128 / c > 0 ? 128 / c : 1) * c; /* floats per accumulator, whole rows */
  float acc[4096];
  for (int64_t o = 0; o < s->outer; o++) {
    float *d = s->partial + (t * s->outer + o) * c;
    for (int64_t i = 0; i < c; i++) d[i] = 0.0f;
    if (r1 <= r0) continue;
    const float *src = j->x + (o * j->red + r0) * c;
    const int64_t n = (r1 - r0) * c;
    if (width > 4096) { /* a very wide inner dimension: plain row loop */
      for (int64_t k = 0; k < n; k++) d[k % c] += src[k];
      continue;
    }
    for (int64_t k = 0; k < width; k++) acc[k] = 0.0f;
    int64_t k = 0;
    for (; k + width <= n; k += width)
      for (int64_t m = 0; m < width; m++) acc[m] += src[k + m];
    for (int64_t m = 0; k + m < n; m++) acc[m] += src[k + m];
    for (int64_t m = 0; m < width; m++) d[m % c] += acc[m];
  }
}

/*
 * reduce(heap, op, outer, reduced, inner, xOff, yOff): x viewed as [outer, reduced, inner],
 * y [outer, inner] = reduction over the middle axis (sum, max, min, mean; NaN propagates).
 */
static napi_value js_reduce(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "reduce", 6)) return NULL;
  const int op = (int)ecamp_int(&c, 1);
  const int64_t outer = ecamp_int(&c, 2), red = ecamp_int(&c, 3), inner = ecamp_int(&c, 4);
  const float *x = ecamp_f32(&c, 5, outer * red * inner);
  float *y = ecamp_f32(&c, 6, outer * inner);
  if (c.failed) return NULL;
  if (op < 0 || op > RED_MEAN || outer < 0 || red < 0 || inner < 0) {
    ecamp_fail(&c, "bad op or shape");
    return NULL;
  }
  if (outer * inner == 0) return ecamp_end(&c);
  if (!x || !y) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  reduce_job j = {op, red, inner, x, y, op == RED_MAX ? -INFINITY : op == RED_MIN ? INFINITY : 0.0f, 1};
  if ((op == RED_SUM || op == RED_MEAN) && outer * inner <= 64 && red * inner >= 262144) {
    /* Few outputs, long reductions (a bias gradient over a whole image batch): the reduced axis is
     * cut into a fixed number of slices (by shape, not threads: reproducible), reduced in
     * parallel into partial results that are then combined in slice order. */
    const int64_t slices = 16;
    float *partial = (float *)malloc((size_t)(slices * outer * inner) * sizeof(float));
    if (!partial) {
      ecamp_fail(&c, "out of memory");
      return NULL;
    }
    reduce_slices_job s = {&j, outer, slices, (red + slices - 1) / slices, partial};
    ecamp_parallel(slices, reduce_slice_task, &s);
    for (int64_t o = 0; o < outer * inner; o++) {
      float acc = partial[o];
      for (int64_t t = 1; t < slices; t++) acc += partial[t * outer * inner + o];
      y[o] = op == RED_MEAN ? acc / (float)red : acc;
    }
    free(partial);
    return ecamp_end(&c);
  }
  if (inner == 1) {
    ecamp_parallel_range(outer, (double)red, reduce_rows, &j);
  } else {
    /* Columns: (outer, blocks of 256 columns), accumulating rows in order. */
    j.blocks = (inner + 255) / 256;
    ecamp_parallel_range(outer * j.blocks, (double)red * 256, reduce_columns, &j);
  }
  return ecamp_end(&c);
}

const ecamp_export ecamp_elementwise_exports[] = {{"binary", js_binary}, {"unary", js_unary}, {"reduce", js_reduce}, {NULL, NULL}};
