/*
 * Fused kernels: layer normalisation, exact GELU, softmax cross-entropy with integer labels
 * (forward and backward each in one pass), and the optimiser's multi-tensor AdamW update and
 * squared norms. One call replaces the 5–15 TF.js ops each of them would take.
 */
#include "ecamp_native.h"

#include <math.h>
#include <stdlib.h>

/* ---------------------------------------------------------------------------------------------
 * Layer normalisation over the last axis (PyTorch semantics: biased variance, eps inside sqrt)
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  int64_t d;
  float eps;
  const float *x, *w, *b, *dy;
  float *y, *mean, *rstd, *dx;         /* forward outputs / input gradient */
  const float *mean_in, *rstd_in;      /* backward: saved statistics */
  float *partial; /* layerNormGrad: per-task [dw | db] */
  int64_t rows, rows_per_task;
} ln_job;

/* out = (x − mu)·rs·w + b over one row of d. */
static inline void ln_affine_row(int64_t d, const float *xr, float mu, float rs, const float *w, const float *b, float *out) {
  for (int64_t k = 0; k < d; k++) out[k] = (xr[k] - mu) * rs * w[k] + b[k];
}

static void ln_rows(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const ln_job *j = (const ln_job *)ctx;
  const int64_t d = j->d;
  for (int64_t r = lo; r < hi; r++) {
    const float *xr = j->x + r * d;
    float *yr = j->y + r * d;
    float s = 0.0f;
    for (int64_t k = 0; k < d; k++) s += xr[k];
    const float mu = s / (float)d;
    float v = 0.0f;
    for (int64_t k = 0; k < d; k++) {
      const float t = xr[k] - mu;
      v += t * t;
    }
    const float rs = 1.0f / sqrtf(v / (float)d + j->eps);
    ln_affine_row(d, xr, mu, rs, j->w, j->b, yr);
    j->mean[r] = mu;
    j->rstd[r] = rs;
  }
}

/* layerNorm(heap, rows, d, eps, x, w, b, y, mean, rstd) */
static napi_value js_layer_norm(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "layerNorm", 9)) return NULL;
  const int64_t rows = ecamp_int(&c, 1), d = ecamp_int(&c, 2);
  const float eps = (float)ecamp_num(&c, 3);
  const float *x = ecamp_f32(&c, 4, rows * d), *w = ecamp_f32(&c, 5, d), *b = ecamp_f32(&c, 6, d);
  float *y = ecamp_f32(&c, 7, rows * d), *mean = ecamp_f32(&c, 8, rows), *rstd = ecamp_f32(&c, 9, rows);
  if (c.failed) return NULL;
  if (rows <= 0 || d <= 0) return ecamp_end(&c);
  if (!x || !w || !b || !y || !mean || !rstd) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  ecamp_layer_norm(rows, d, eps, x, w, b, y, mean, rstd);
  return ecamp_end(&c);
}

void ecamp_layer_norm(int64_t rows, int64_t d, float eps, const float *x, const float *w, const float *b, float *y, float *mean, float *rstd) {
  ln_job j = {.d = d, .eps = eps, .x = x, .w = w, .b = b, .y = y, .mean = mean, .rstd = rstd};
  ecamp_parallel_range(rows, (double)d * 4, ln_rows, &j);
}

/* Rows [lo, hi) normalised with the saved statistics mean_in / rstd_in. */
static void ln_apply_rows(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const ln_job *j = (const ln_job *)ctx;
  for (int64_t r = lo; r < hi; r++) ln_affine_row(j->d, j->x + r * j->d, j->mean_in[r], j->rstd_in[r], j->w, j->b, j->y + r * j->d);
}

void ecamp_layer_norm_apply(int64_t rows, int64_t d, const float *x, const float *mean, const float *rstd, const float *w, const float *b, float *out) {
  ln_job j = {.d = d, .x = x, .w = w, .b = b, .y = out, .mean_in = mean, .rstd_in = rstd};
  ecamp_parallel_range(rows, (double)d * 3, ln_apply_rows, &j);
}

/* Rows of task t: dx, and this task's partial dw/db sums. */
static void ln_grad_task(void *ctx, int64_t t, int thread) {
  (void)thread;
  const ln_job *j = (const ln_job *)ctx;
  const int64_t d = j->d;
  const int64_t lo = t * j->rows_per_task;
  const int64_t hi = lo + j->rows_per_task < j->rows ? lo + j->rows_per_task : j->rows;
  float *pw = j->partial + t * 2 * d, *pb = pw + d;
  memset(pw, 0, (size_t)(2 * d) * sizeof(float));
  for (int64_t r = lo; r < hi; r++) {
    const float *xr = j->x + r * d, *dyr = j->dy + r * d;
    float *dxr = j->dx + r * d;
    const float mu = j->mean_in[r], rs = j->rstd_in[r];
    float sg = 0.0f, sgx = 0.0f;
    for (int64_t k = 0; k < d; k++) {
      const float xh = (xr[k] - mu) * rs;
      const float g = dyr[k] * j->w[k];
      sg += g;
      sgx += g * xh;
      pw[k] += dyr[k] * xh;
      pb[k] += dyr[k];
    }
    const float mg = sg / (float)d, mgx = sgx / (float)d;
    for (int64_t k = 0; k < d; k++) {
      const float xh = (xr[k] - mu) * rs;
      dxr[k] = rs * (dyr[k] * j->w[k] - mg - xh * mgx);
    }
  }
}

/*
 * layerNormGrad(heap, rows, d, x, w, mean, rstd, dy, dx, dw, db): with x̂ = (x − mean)·rstd and
 * g = dy·w, dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), dw = Σ dy·x̂, db = Σ dy. Rows are split into
 * tasks of equal size whose partial dw/db sums are added in task order (deterministic).
 */
static napi_value js_layer_norm_grad(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "layerNormGrad", 10)) return NULL;
  const int64_t rows = ecamp_int(&c, 1), d = ecamp_int(&c, 2);
  const float *x = ecamp_f32(&c, 3, rows * d), *w = ecamp_f32(&c, 4, d);
  const float *mean = ecamp_f32(&c, 5, rows), *rstd = ecamp_f32(&c, 6, rows), *dy = ecamp_f32(&c, 7, rows * d);
  float *dx = ecamp_f32(&c, 8, rows * d), *dw = ecamp_f32(&c, 9, d), *db = ecamp_f32(&c, 10, d);
  if (c.failed) return NULL;
  if (d <= 0) return ecamp_end(&c);
  if (!dw || !db || (rows > 0 && (!x || !w || !mean || !rstd || !dy || !dx))) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  if (!ecamp_layer_norm_grad(rows, d, x, w, mean, rstd, dy, dx, dw, db)) {
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  return ecamp_end(&c);
}

int ecamp_layer_norm_grad(int64_t rows, int64_t d, const float *x, const float *w, const float *mean, const float *rstd, const float *dy, float *dx,
                          float *dw, float *db) {
  ln_job j = {.d = d, .x = x, .w = w, .dy = dy, .dx = dx, .mean_in = mean, .rstd_in = rstd};
  /* The task count depends only on the shape (not on the thread count), so sums are reproducible. */
  int64_t tasks = rows * d * 6 < 65536 ? 1 : 8;
  if (tasks > rows) tasks = rows > 0 ? rows : 1;
  j.rows = rows;
  j.rows_per_task = (rows + tasks - 1) / tasks;
  tasks = rows > 0 ? (rows + j.rows_per_task - 1) / j.rows_per_task : 1;
  j.partial = (float *)malloc((size_t)tasks * 2 * (size_t)d * sizeof(float));
  if (!j.partial) return 0;
  if (rows > 0) ecamp_parallel(tasks, ln_grad_task, &j);
  else memset(j.partial, 0, (size_t)(2 * d) * sizeof(float));
  for (int64_t k = 0; k < d; k++) {
    float sw = 0.0f, sb = 0.0f;
    for (int64_t t = 0; t < tasks; t++) {
      sw += j.partial[t * 2 * d + k];
      sb += j.partial[t * 2 * d + d + k];
    }
    dw[k] = sw;
    db[k] = sb;
  }
  free(j.partial);
  return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Exact GELU: x·Φ(x), Φ(x) = ½(1 + erf(x/√2)); gradient Φ(x) + x·φ(x)
 * ------------------------------------------------------------------------------------------- */

#define ECAMP_SQRT1_2 0.70710678118654752f
#define ECAMP_INV_SQRT_2PI 0.39894228040143268f

typedef struct {
  const float *x, *dy;
  float *out;
} ew_job;

static void gelu_range(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const ew_job *j = (const ew_job *)ctx;
  const float *x = j->x;
  float *y = j->out;
  for (int64_t i = lo; i < hi; i++) {
    const float v = x[i];
    y[i] = v * 0.5f * (1.0f + ecamp_erff(v * ECAMP_SQRT1_2));
  }
}

static void gelu_grad_range(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const ew_job *j = (const ew_job *)ctx;
  const float *x = j->x, *dy = j->dy;
  float *dx = j->out;
  for (int64_t i = lo; i < hi; i++) {
    const float v = x[i];
    const float cdf = 0.5f * (1.0f + ecamp_erff(v * ECAMP_SQRT1_2));
    const float pdf = ECAMP_INV_SQRT_2PI * ecamp_expf(-0.5f * v * v);
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

/* gelu(heap, n, x, y) */
static napi_value js_gelu(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "gelu", 3)) return NULL;
  const int64_t n = ecamp_int(&c, 1);
  const float *x = ecamp_f32(&c, 2, n);
  float *y = ecamp_f32(&c, 3, n);
  if (c.failed) return NULL;
  if (n > 0 && (!x || !y)) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  ecamp_gelu(n, x, y);
  return ecamp_end(&c);
}

void ecamp_gelu(int64_t n, const float *x, float *y) {
  ew_job j = {x, NULL, y};
  ecamp_parallel_range(n, 16, gelu_range, &j);
}

void ecamp_gelu_grad(int64_t n, const float *x, const float *dy, float *dx) {
  ew_job j = {x, dy, dx};
  ecamp_parallel_range(n, 24, gelu_grad_range, &j);
}

/* geluGrad(heap, n, x, dy, dx) */
static napi_value js_gelu_grad(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "geluGrad", 4)) return NULL;
  const int64_t n = ecamp_int(&c, 1);
  const float *x = ecamp_f32(&c, 2, n), *dy = ecamp_f32(&c, 3, n);
  float *dx = ecamp_f32(&c, 4, n);
  if (c.failed) return NULL;
  if (n > 0 && (!x || !dy || !dx)) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  ecamp_gelu_grad(n, x, dy, dx);
  return ecamp_end(&c);
}

/* ---------------------------------------------------------------------------------------------
 * Softmax cross-entropy with integer labels (negative label = ignored row: loss 0, gradient 0)
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  int64_t v;
  const float *logits, *lse_in, *dy;
  const int32_t *labels;
  float *loss, *lse, *dx;
} ce_job;

static float row_sum_exp(const float *row, int64_t v, float mx) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t k = 0; k < v; k++) s += ecamp_expf(row[k] - mx);
  return s;
}

static void ce_rows(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const ce_job *j = (const ce_job *)ctx;
  for (int64_t i = lo; i < hi; i++) {
    const float *row = j->logits + i * j->v;
    float mx = row[0];
    for (int64_t k = 1; k < j->v; k++) mx = row[k] > mx ? row[k] : mx;
    const float l = mx + logf(row_sum_exp(row, j->v, mx));
    j->lse[i] = l;
    j->loss[i] = j->labels[i] >= 0 ? l - row[j->labels[i]] : 0.0f;
  }
}

static void ce_grad_rows(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const ce_job *j = (const ce_job *)ctx;
  const int64_t v = j->v;
  for (int64_t i = lo; i < hi; i++) {
    const float *row = j->logits + i * v;
    float *out = j->dx + i * v;
    const int32_t lab = j->labels[i];
    if (lab < 0) {
      memset(out, 0, (size_t)v * sizeof(float));
      continue;
    }
    const float g = j->dy[i], l = j->lse_in[i];
#pragma omp simd
    for (int64_t k = 0; k < v; k++) out[k] = ecamp_expf(row[k] - l) * g;
    out[lab] -= g;
  }
}

/* loss and log-sum-exp of rows [0, n) of logits [n, v]. */
static void cross_entropy(int64_t n, int64_t v, const float *logits, const int32_t *labels, float *loss, float *lse) {
  ce_job j = {.v = v, .logits = logits, .labels = labels, .loss = loss, .lse = lse};
  ecamp_parallel_range(n, (double)v * 8, ce_rows, &j);
}

/* dx = (softmax − onehot)·dy from the forward's log-sum-exp; dx may be logits itself (in place:
 * each element is read once, then overwritten). */
static void cross_entropy_grad(int64_t n, int64_t v, const float *logits, const int32_t *labels, const float *lse, const float *dy, float *dx) {
  ce_job j = {.v = v, .logits = logits, .lse_in = lse, .dy = dy, .labels = labels, .dx = dx};
  ecamp_parallel_range(n, (double)v * 6, ce_grad_rows, &j);
}

/* Throws unless every label is below v (negative labels are ignored rows). */
static int check_labels(ecamp_call *c, const int32_t *labels, int64_t n, int64_t v) {
  return ecamp_check_indices(c, labels, n, INT32_MIN, v, "label %d at row %lld is >= V=%lld");
}

/* crossEntropy(heap, n, v, logits, labels(int32), loss, lse) */
static napi_value js_cross_entropy(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "crossEntropy", 6)) return NULL;
  const int64_t n = ecamp_int(&c, 1), v = ecamp_int(&c, 2);
  const float *logits = ecamp_f32(&c, 3, n * v);
  const int32_t *labels = ecamp_i32(&c, 4, n);
  float *loss = ecamp_f32(&c, 5, n), *lse = ecamp_f32(&c, 6, n);
  if (c.failed) return NULL;
  if (n <= 0) return ecamp_end(&c);
  if (!logits || !labels || !loss || !lse || v <= 0) {
    ecamp_fail(&c, "missing operand or empty vocabulary");
    return NULL;
  }
  if (!check_labels(&c, labels, n, v)) return NULL;
  cross_entropy(n, v, logits, labels, loss, lse);
  return ecamp_end(&c);
}

/* crossEntropyGrad(heap, n, v, logits, labels, lse, dy, dx): dx = (softmax − onehot)·dy */
static napi_value js_cross_entropy_grad(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "crossEntropyGrad", 7)) return NULL;
  const int64_t n = ecamp_int(&c, 1), v = ecamp_int(&c, 2);
  const float *logits = ecamp_f32(&c, 3, n * v);
  const int32_t *labels = ecamp_i32(&c, 4, n);
  const float *lse = ecamp_f32(&c, 5, n), *dy = ecamp_f32(&c, 6, n);
  float *dx = ecamp_f32(&c, 7, n * v);
  if (c.failed) return NULL;
  if (n <= 0) return ecamp_end(&c);
  if (!logits || !labels || !lse || !dy || !dx) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  cross_entropy_grad(n, v, logits, labels, lse, dy, dx);
  return ecamp_end(&c);
}


/* ---------------------------------------------------------------------------------------------
 * Linear layer + softmax cross-entropy (the MLM head's vocabulary projection and loss)
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  int64_t rows, cols;
  const float *src;
  float *dst;
} colsum_job;

static void colsum_range(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const colsum_job *j = (const colsum_job *)ctx;
  for (int64_t c = lo; c < hi; c++) j->dst[c] = 0.0f;
  for (int64_t r = 0; r < j->rows; r++) {
    const float *row = j->src + r * j->cols;
    for (int64_t c = lo; c < hi; c++) j->dst[c] += row[c];
  }
}

void ecamp_column_sums(int64_t rows, int64_t cols, const float *src, float *dst) {
  colsum_job j = {rows, cols, src, dst};
  ecamp_parallel_range(cols, (double)rows, colsum_range, &j);
}

void ecamp_linear(int64_t rows, int in, int out, const float *x, const float *w, const float *b, float *y, int accumulate) {
  if (b) {
    if (accumulate) {
      for (int64_t r = 0; r < rows; r++)
        for (int c = 0; c < out; c++) y[r * out + c] += b[c];
    } else {
      for (int64_t r = 0; r < rows; r++) memcpy(y + r * out, b, (size_t)out * sizeof(float));
    }
  }
  ecamp_gemm_batched(0, 0, 1, (int)rows, out, in, 1.0f, x, 0, in, w, 0, out, (b || accumulate) ? 1.0f : 0.0f, y, 0, out);
}

void ecamp_linear_grad(int64_t rows, int in, int out, const float *x, const float *w, const float *dy, float *dx, float *dw, float *db) {
  if (db) ecamp_column_sums(rows, out, dy, db);
  ecamp_gemm_batched(1, 0, 1, in, out, (int)rows, 1.0f, x, 0, in, dy, 0, out, 0.0f, dw, 0, out);
  ecamp_gemm_batched(0, 1, 1, (int)rows, in, out, 1.0f, dy, 0, out, w, 0, out, 0.0f, dx, 0, in);
}

/*
 * linearCrossEntropy(heap, n, d, v, x, w, b, labels, logits, loss, lse): logits = x·W (+ b) into
 * `logits` [n, v] (kept for the backward), then per-row −log softmax[label] and log-sum-exp.
 */
static napi_value js_linear_ce(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "linearCrossEntropy", 10)) return NULL;
  const int64_t n = ecamp_int(&c, 1), d = ecamp_int(&c, 2), v = ecamp_int(&c, 3);
  const float *x = ecamp_f32(&c, 4, n * d), *w = ecamp_f32(&c, 5, d * v), *b = ecamp_f32(&c, 6, v);
  const int32_t *labels = ecamp_i32(&c, 7, n);
  float *logits = ecamp_f32(&c, 8, n * v), *loss = ecamp_f32(&c, 9, n), *lse = ecamp_f32(&c, 10, n);
  if (c.failed) return NULL;
  if (n <= 0) return ecamp_end(&c);
  if (d <= 0 || v <= 0 || !x || !w || !labels || !logits || !loss || !lse) {
    ecamp_fail(&c, "missing operand or empty shape");
    return NULL;
  }
  if (!check_labels(&c, labels, n, v)) return NULL;
  ecamp_linear(n, (int)d, (int)v, x, w, b, logits, 0);
  cross_entropy(n, v, logits, labels, loss, lse);
  return ecamp_end(&c);
}

/*
 * linearCrossEntropyGrad(heap, n, d, v, x, w, labels, logits, lse, dy, dx, dw, db): turns
 * `logits` into dlogits = (softmax − onehot)·dy IN PLACE (the forward's private buffer: no
 * second [n, v] tensor), then db = Σ dlogits, dW = xᵀ·dlogits, dx = dlogits·Wᵀ. db may be −1.
 */
static napi_value js_linear_ce_grad(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "linearCrossEntropyGrad", 12)) return NULL;
  const int64_t n = ecamp_int(&c, 1), d = ecamp_int(&c, 2), v = ecamp_int(&c, 3);
  const float *x = ecamp_f32(&c, 4, n * d), *w = ecamp_f32(&c, 5, d * v);
  const int32_t *labels = ecamp_i32(&c, 6, n);
  float *logits = ecamp_f32(&c, 7, n * v);
  const float *lse = ecamp_f32(&c, 8, n), *dy = ecamp_f32(&c, 9, n);
  float *dx = ecamp_f32(&c, 10, n * d), *dw = ecamp_f32(&c, 11, d * v), *db = ecamp_f32(&c, 12, v);
  if (c.failed) return NULL;
  if (d <= 0 || v <= 0 || !dw || (n > 0 && (!x || !w || !labels || !logits || !lse || !dy || !dx))) {
    ecamp_fail(&c, "missing operand or empty shape");
    return NULL;
  }
  if (n == 0) {
    memset(dw, 0, (size_t)(d * v) * sizeof(float));
    if (db) memset(db, 0, (size_t)v * sizeof(float));
    return ecamp_end(&c);
  }
  cross_entropy_grad(n, v, logits, labels, lse, dy, logits); /* in place */
  ecamp_linear_grad(n, (int)d, (int)v, x, w, logits, dx, dw, db);
  return ecamp_end(&c);
}

/* ---------------------------------------------------------------------------------------------
 * Optimiser: squared norms of many tensors, multi-tensor AdamW in place
 * ------------------------------------------------------------------------------------------- */

/* Checks that every [offset, size] of `width`-wide table rows (offsets in columns 0..k−1,
 * size in column `size_col`) lies inside the heap; returns the total size. */
static int check_table(ecamp_call *c, const double *table, size_t rows, size_t width, size_t offsets, size_t size_col, double *total) {
  *total = 0;
  for (size_t t = 0; t < rows; t++) {
    const int64_t size = (int64_t)table[width * t + size_col];
    for (size_t k = 0; k < offsets; k++) {
      const int64_t off = (int64_t)table[width * t + k];
      if (off < 0 || (off & 3) || size < 0 || (uint64_t)off + (uint64_t)size * 4 > c->heap_len) {
        ecamp_fail(c, "a tensor falls outside the heap");
        return 0;
      }
    }
    *total += (double)size;
  }
  return 1;
}

/* Pieces of at most this many elements: tensors are cut so the pool balances big and small ones. */
#define PIECE 65536

typedef struct {
  int32_t tensor;
  int64_t lo, hi;
} piece;

/* Cuts every tensor of the table into pieces; returns the count (caller frees *out). */
static int64_t make_pieces(const double *table, size_t rows, size_t width, size_t size_col, piece **out) {
  int64_t count = 0;
  for (size_t t = 0; t < rows; t++) count += ((int64_t)table[width * t + size_col] + PIECE - 1) / PIECE;
  piece *p = (piece *)malloc((size_t)(count > 0 ? count : 1) * sizeof(piece));
  if (!p) return -1;
  int64_t k = 0;
  for (size_t t = 0; t < rows; t++) {
    const int64_t size = (int64_t)table[width * t + size_col];
    for (int64_t lo = 0; lo < size; lo += PIECE) p[k++] = (piece){(int32_t)t, lo, lo + PIECE < size ? lo + PIECE : size};
  }
  *out = p;
  return count;
}

typedef struct {
  uint8_t *heap;
  const double *table;
  const piece *pieces;
  double *partial; /* sumSquares: per piece */
  /* adamw */
  float b1, one_b1, b2, one_b2, bc1, bc2, eps, lr, decay_factor, scale;
  int scaled;
} opt_job;

static void sum_squares_piece(void *ctx, int64_t k, int thread) {
  (void)thread;
  const opt_job *j = (const opt_job *)ctx;
  const piece *p = &j->pieces[k];
  const float *x = (const float *)(j->heap + (int64_t)j->table[2 * p->tensor]);
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = p->lo; i < p->hi; i++) s += (double)x[i] * (double)x[i];
  j->partial[k] = s;
}

/*
 * sumSquares(heap, table, out): table = Float64Array [offset, size] per tensor, out =
 * Float64Array receiving Σ x² of each (accumulated in double; NaN/Inf propagate).
 */
static napi_value js_sum_squares(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "sumSquares", 2)) return NULL;
  size_t tlen = 0, olen = 0;
  double *table = ecamp_f64_array(&c, 1, &tlen);
  double *out = ecamp_f64_array(&c, 2, &olen);
  if (c.failed) return NULL;
  if (tlen % 2 != 0 || olen != tlen / 2) {
    ecamp_fail(&c, "table must hold [offset, size] pairs and out one entry per pair");
    return NULL;
  }
  double total = 0;
  if (!check_table(&c, table, olen, 2, 1, 1, &total)) return NULL;
  piece *pieces = NULL;
  const int64_t count = make_pieces(table, olen, 2, 1, &pieces);
  double *partial = count >= 0 ? (double *)malloc((size_t)(count > 0 ? count : 1) * sizeof(double)) : NULL;
  if (!partial) {
    free(pieces);
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  opt_job j = {.heap = c.heap, .table = table, .pieces = pieces, .partial = partial};
  if (total * 2 < 32768) {
    for (int64_t k = 0; k < count; k++) sum_squares_piece(&j, k, 0);
  } else {
    ecamp_parallel(count, sum_squares_piece, &j);
  }
  for (size_t t = 0; t < olen; t++) out[t] = 0.0;
  for (int64_t k = 0; k < count; k++) out[pieces[k].tensor] += partial[k];
  free(partial);
  free(pieces);
  return ecamp_end(&c);
}

static void adamw_piece(void *ctx, int64_t k, int thread) {
  (void)thread;
  const opt_job *j = (const opt_job *)ctx;
  const piece *pc = &j->pieces[k];
  const double *row = j->table + 6 * pc->tensor;
  float *p = (float *)(j->heap + (int64_t)row[0]);
  const float *g = (const float *)(j->heap + (int64_t)row[1]);
  float *m = (float *)(j->heap + (int64_t)row[2]);
  float *v = (float *)(j->heap + (int64_t)row[3]);
  const int decayed = row[5] != 0.0;
  const float b1 = j->b1, one_b1 = j->one_b1, b2 = j->b2, one_b2 = j->one_b2;
  const float bc1 = j->bc1, bc2 = j->bc2, eps = j->eps, lr = j->lr, decay = j->decay_factor, scale = j->scale;
  const int scaled = j->scaled;
  for (int64_t i = pc->lo; i < pc->hi; i++) {
    const float gi = scaled ? g[i] * scale : g[i];
    const float mi = m[i] * b1 + gi * one_b1;
    const float vi = v[i] * b2 + (gi * gi) * one_b2;
    m[i] = mi;
    v[i] = vi;
    const float u = (mi / bc1) / (sqrtf(vi / bc2) + eps);
    const float w = decayed ? p[i] * decay : p[i];
    p[i] = w - u * lr;
  }
}

/*
 * adamw(heap, table, lr, beta1, beta2, eps, weightDecay, bc1, bc2, gradScale): table =
 * Float64Array [param, grad, m, v, size, decay] per tensor (byte offsets). In place, as
 * torch.optim.AdamW, with exactly the float32 operations (and order) of @ecamp/core's TF.js path,
 * so both paths give bit-identical parameters:
 *   g = gradScale·grad (when gradScale ≠ 1); m ← m·β1 + g·(1−β1); v ← v·β2 + g²·(1−β2);
 *   u = (m/bc1) / (√(v/bc2) + eps); p ← p·(1 − lr·wd) (decayed tensors only) − u·lr.
 */
static napi_value js_adamw(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "adamw", 9)) return NULL;
  size_t tlen = 0;
  double *table = ecamp_f64_array(&c, 1, &tlen);
  const double lr_d = ecamp_num(&c, 2), b1_d = ecamp_num(&c, 3), b2_d = ecamp_num(&c, 4);
  const double eps_d = ecamp_num(&c, 5), wd_d = ecamp_num(&c, 6);
  const double bc1_d = ecamp_num(&c, 7), bc2_d = ecamp_num(&c, 8), scale_d = ecamp_num(&c, 9);
  if (c.failed) return NULL;
  if (tlen % 6 != 0) {
    ecamp_fail(&c, "table must hold [param, grad, m, v, size, decay] rows");
    return NULL;
  }
  const size_t rows = tlen / 6;
  double total = 0;
  if (!check_table(&c, table, rows, 6, 4, 4, &total)) return NULL;
  piece *pieces = NULL;
  const int64_t count = make_pieces(table, rows, 6, 4, &pieces);
  if (count < 0) {
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  /* Scalars rounded to float32 exactly as TF.js makes scalar tensors of the JS numbers. */
  opt_job j = {
      .heap = c.heap,
      .table = table,
      .pieces = pieces,
      .b1 = (float)b1_d,
      .one_b1 = (float)(1.0 - b1_d),
      .b2 = (float)b2_d,
      .one_b2 = (float)(1.0 - b2_d),
      .bc1 = (float)bc1_d,
      .bc2 = (float)bc2_d,
      .eps = (float)eps_d,
      .lr = (float)lr_d,
      .decay_factor = (float)(1.0 - lr_d * wd_d),
      .scale = (float)scale_d,
      .scaled = scale_d != 1.0,
  };
  if (total * 4 < 32768) {
    for (int64_t k = 0; k < count; k++) adamw_piece(&j, k, 0);
  } else {
    ecamp_parallel(count, adamw_piece, &j);
  }
  free(pieces);
  return ecamp_end(&c);
}

const ecamp_export ecamp_fused_exports[] = {
    {"layerNorm", js_layer_norm},       {"layerNormGrad", js_layer_norm_grad},
    {"gelu", js_gelu},                  {"geluGrad", js_gelu_grad},
    {"crossEntropy", js_cross_entropy}, {"crossEntropyGrad", js_cross_entropy_grad},
    {"sumSquares", js_sum_squares},     {"adamw", js_adamw},
    {"linearCrossEntropy", js_linear_ce}, {"linearCrossEntropyGrad", js_linear_ce_grad},
    {NULL, NULL}};
