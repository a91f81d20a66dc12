/*
 * Data movement: one strided copy (transpose, slice, pad interior, concat, split and friends
 * are all "copy an N-d block from one strided view to another") and a fill.
 */
#include "ecamp_native.h"

#define ECAMP_MAX_RANK 16

/* Shape and strides after dropping size-1 dims and merging dims contiguous in both views. */
typedef struct {
  int rank;
  int64_t shape[ECAMP_MAX_RANK], src[ECAMP_MAX_RANK], dst[ECAMP_MAX_RANK];
} copy_plan;

static void simplify(copy_plan *p) {
  int r = 0;
  for (int i = 0; i < p->rank; i++) {
    if (p->shape[i] == 1) continue;
    if (r > 0 && p->src[r - 1] == p->src[i] * p->shape[i] && p->dst[r - 1] == p->dst[i] * p->shape[i]) {
      p->shape[r - 1] *= p->shape[i];
      p->src[r - 1] = p->src[i];
      p->dst[r - 1] = p->dst[i];
      continue;
    }
    p->shape[r] = p->shape[i];
    p->src[r] = p->src[i];
    p->dst[r] = p->dst[i];
    r++;
  }
  if (r == 0) {
    p->shape[0] = 1;
    p->src[0] = 1;
    p->dst[0] = 1;
    r = 1;
  }
  p->rank = r;
}

/* Copies one innermost run of length n. */
static inline void copy_run(const float *s, int64_t ss, float *d, int64_t ds, int64_t n) {
  if (ss == 1 && ds == 1) {
    memcpy(d, s, (size_t)n * sizeof(float));
  } else if (ds == 1) {
    for (int64_t i = 0; i < n; i++) d[i] = s[i * ss];
  } else {
    for (int64_t i = 0; i < n; i++) d[i * ds] = s[i * ss];
  }
}

typedef struct {
  const copy_plan *p;
  const float *src;
  float *dst;
  int64_t inner, tiles_r, tiles_c, rows;
} copy_job;

/* Outer indices [lo, hi): one innermost run each. */
static void copy_runs(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const copy_job *j = (const copy_job *)ctx;
  const copy_plan *p = j->p;
  const int r = p->rank;
  for (int64_t o = lo; o < hi; o++) {
    int64_t so, doff;
    ecamp_unravel2(o, r - 1, p->shape, p->src, p->dst, &so, &doff);
    copy_run(j->src + so, p->src[r - 1], j->dst + doff, p->dst[r - 1], j->inner);
  }
}

/* 32×32 tiles [lo, hi) of a transpose of the two innermost dims. */
static void copy_tiles(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const copy_job *j = (const copy_job *)ctx;
  const copy_plan *p = j->p;
  const int r = p->rank;
  const int64_t sr = p->src[r - 2], sc = p->src[r - 1], dr = p->dst[r - 2];
  for (int64_t t = lo; t < hi; t++) {
    const int64_t rem = t % (j->tiles_r * j->tiles_c);
    const int64_t r0 = (rem / j->tiles_c) * 32, c0 = (rem % j->tiles_c) * 32;
    int64_t so, doff;
    ecamp_unravel2(t / (j->tiles_r * j->tiles_c), r - 2, p->shape, p->src, p->dst, &so, &doff);
    const int64_t r1 = r0 + 32 < j->rows ? r0 + 32 : j->rows, c1 = c0 + 32 < j->inner ? c0 + 32 : j->inner;
    for (int64_t cc = c0; cc < c1; cc++)
      for (int64_t rr = r0; rr < r1; rr++) j->dst[doff + rr * dr + cc] = j->src[so + rr * sr + cc * sc];
  }
}

static void run_copy(const copy_plan *p, const float *src, float *dst) {
  const int r = p->rank;
  copy_job j = {p, src, dst, p->shape[r - 1], 0, 0, r >= 2 ? p->shape[r - 2] : 1};
  int64_t outer = 1;
  for (int i = 0; i < r - 1; i++) outer *= p->shape[i];
  /* Transpose of the two innermost dims with the source contiguous along the second-last: copy
   * in 32×32 tiles so both sides stay in cache. */
  const int tiled = r >= 2 && p->src[r - 2] == 1 && p->dst[r - 1] == 1 && j.rows >= 32 && j.inner >= 32;
  if (tiled) {
    int64_t outer2 = 1;
    for (int i = 0; i < r - 2; i++) outer2 *= p->shape[i];
    j.tiles_r = (j.rows + 31) / 32;
    j.tiles_c = (j.inner + 31) / 32;
    ecamp_parallel_range(outer2 * j.tiles_r * j.tiles_c, 1024, copy_tiles, &j);
    return;
  }
  ecamp_parallel_range(outer, (double)j.inner, copy_runs, &j);
}

/* Farthest element (from the base) a view touches, plus one. */
static int64_t view_extent(const copy_plan *p, const int64_t *strides) {
  int64_t e = 1;
  for (int i = 0; i < p->rank; i++) {
    if (p->shape[i] == 0) return 0;
    e += (p->shape[i] - 1) * strides[i];
  }
  return e;
}

/*
 * stridedCopy(heap, plan, srcOff, dstOff): plan = Float64Array [rank, shape×rank,
 * srcStrides×rank, dstStrides×rank] (elements, non-negative). Views must not overlap.
 */
static napi_value js_strided_copy(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "stridedCopy", 3)) return NULL;
  size_t len = 0;
  const double *plan = ecamp_f64_array(&c, 1, &len);
  if (c.failed) return NULL;
  const int rank = len > 0 ? (int)plan[0] : -1;
  if (rank < 0 || rank > ECAMP_MAX_RANK || len != (size_t)(1 + 3 * rank)) {
    ecamp_fail(&c, "plan must be [rank, shape, srcStrides, dstStrides] with rank <= 16");
    return NULL;
  }
  copy_plan p;
  p.rank = rank;
  int64_t count = 1;
  for (int i = 0; i < rank; i++) {
    p.shape[i] = (int64_t)plan[1 + i];
    p.src[i] = (int64_t)plan[1 + rank + i];
    p.dst[i] = (int64_t)plan[1 + 2 * rank + i];
    if (p.shape[i] < 0 || p.src[i] < 0 || p.dst[i] < 0) {
      ecamp_fail(&c, "negative size or stride");
      return NULL;
    }
    count *= p.shape[i];
  }
  if (rank == 0) {
    p.rank = 1;
    p.shape[0] = 1;
    p.src[0] = 1;
    p.dst[0] = 1;
  }
  if (count == 0) return ecamp_end(&c);
  const float *src = ecamp_f32(&c, 2, view_extent(&p, p.src));
  float *dst = ecamp_f32(&c, 3, view_extent(&p, p.dst));
  if (c.failed) return NULL;
  if (!src || !dst) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  simplify(&p);
  run_copy(&p, src, dst);
  return ecamp_end(&c);
}

typedef struct {
  float *dst;
  float v;
} fill_job;

static void fill_range(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const fill_job *j = (const fill_job *)ctx;
  for (int64_t i = lo; i < hi; i++) j->dst[i] = j->v;
}

/* fill(heap, n, off, value) */
static napi_value js_fill(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "fill", 3)) return NULL;
  const int64_t n = ecamp_int(&c, 1);
  float *dst = ecamp_f32(&c, 2, n);
  const float v = (float)ecamp_num(&c, 3);
  if (c.failed) return NULL;
  if (n > 0 && !dst) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  fill_job j = {dst, v};
  ecamp_parallel_range(n, 0.25, fill_range, &j);
  return ecamp_end(&c);
}


typedef struct {
  const float *x;
  const int32_t *idx;
  float *out;
  int64_t axis, inner, count;
} gather_job;

static void gather_rows(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const gather_job *g = (const gather_job *)ctx;
  for (int64_t t = lo; t < hi; t++) {
    const int64_t o = t / g->count, k = t % g->count;
    memcpy(g->out + t * g->inner, g->x + (o * g->axis + g->idx[k]) * g->inner, (size_t)g->inner * sizeof(float));
  }
}

/*
 * gather(heap, outer, axisSize, inner, count, x, indices(int32), out): out[o, j, :] =
 * x[o, indices[j], :] for x viewed as [outer, axisSize, inner]. Throws on an index out of range.
 */
static napi_value js_gather(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "gather", 7)) return NULL;
  const int64_t outer = ecamp_int(&c, 1), axis = ecamp_int(&c, 2), inner = ecamp_int(&c, 3), count = ecamp_int(&c, 4);
  const float *x = ecamp_f32(&c, 5, outer * axis * inner);
  const int32_t *idx = ecamp_i32(&c, 6, count);
  float *out = ecamp_f32(&c, 7, outer * count * inner);
  if (c.failed) return NULL;
  if (outer < 0 || axis < 0 || inner < 0 || count < 0) {
    ecamp_fail(&c, "negative size");
    return NULL;
  }
  if (outer * count * inner == 0) return ecamp_end(&c);
  if (!x || !idx || !out) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  if (!ecamp_check_indices(&c, idx, count, 0, axis, "index %d at position %lld is outside [0, %lld)")) return NULL;
  gather_job g = {x, idx, out, axis, inner, count};
  ecamp_parallel_range(outer * count, (double)inner, gather_rows, &g);
  return ecamp_end(&c);
}

/*
 * scatterAdd(heap, rows, outRows, width, indices(int32 [rows]), updates [rows, width], out
 * [outRows, width]): out = 0, then out[indices[r], :] += updates[r, :] in row order (duplicates
 * sum, deterministically). Parallel over column blocks, so no two threads touch one element.
 */
typedef struct {
  int64_t rows, width;
  const int32_t *idx;
  const float *upd;
  float *out;
} scatter_job;

static void scatter_columns(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const scatter_job *j = (const scatter_job *)ctx;
  for (int64_t r = 0; r < j->rows; r++) {
    const float *src = j->upd + r * j->width;
    float *dst = j->out + (int64_t)j->idx[r] * j->width;
    for (int64_t c = lo; c < hi; c++) dst[c] += src[c];
  }
}

static napi_value js_scatter_add(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "scatterAdd", 6)) return NULL;
  const int64_t rows = ecamp_int(&c, 1), out_rows = ecamp_int(&c, 2), width = ecamp_int(&c, 3);
  const int32_t *idx = ecamp_i32(&c, 4, rows);
  const float *upd = ecamp_f32(&c, 5, rows * width);
  float *out = ecamp_f32(&c, 6, out_rows * width);
  if (c.failed) return NULL;
  if (rows < 0 || out_rows < 0 || width < 0) {
    ecamp_fail(&c, "negative size");
    return NULL;
  }
  if (out_rows * width == 0) return ecamp_end(&c);
  if (!out || (rows > 0 && (!idx || !upd))) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  if (!ecamp_check_indices(&c, idx, rows, 0, out_rows, "index %d of update row %lld is outside [0, %lld)")) return NULL;
  memset(out, 0, (size_t)(out_rows * width) * sizeof(float));
  scatter_job j = {rows, width, idx, upd, out};
  ecamp_parallel_range(width, (double)rows, scatter_columns, &j);
  return ecamp_end(&c);
}

const ecamp_export ecamp_memory_exports[] = {{"stridedCopy", js_strided_copy}, {"fill", js_fill}, {"gather", js_gather}, {"scatterAdd", js_scatter_add}, {NULL, NULL}};
