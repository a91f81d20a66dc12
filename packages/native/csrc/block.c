/*
 * A whole pre-norm transformer block (timm ViT `Block`) in one call each way:
 *
 *   h1 = LN1(x);  qkv = h1·Wqkv + bqkv;  a = attention(qkv)  (heads read in place)
 *   x2 = x + a·Wproj + bproj;  h2 = LN2(x2);  f1 = h2·W1 + b1;  y = x2 + gelu(f1)·W2 + b2
 *
 * The forward returns y and what the backward needs (LN statistics, qkv, attention
 * probabilities, a, x2, f1); h1, h2 and gelu(f1) are recomputed in the backward from those.
 * One call instead of ~25 TF.js ops forward and ~35 backward (each with its engine overhead).
 * Rows R = B·N; all matrices row-major; weights in TF layout [in, out].
 */
#include "ecamp_native.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
  int64_t d;
  const float *x, *mean, *rstd, *w, *b;
  float *out;
} ln_apply_job;

static void ln_apply_rows(void *ctx, int64_t lo, int64_t hi, int thread) {
  (void)thread;
  const ln_apply_job *j = (const ln_apply_job *)ctx;
  for (int64_t r = lo; r < hi; r++) {
    const float *xr = j->x + r * j->d;
    float *o = j->out + r * j->d;
    const float mu = j->mean[r], rs = j->rstd[r];
    for (int64_t k = 0; k < j->d; k++) o[k] = (xr[k] - mu) * rs * j->w[k] + j->b[k];
  }
}

/* out = LN(x) from the statistics saved by the forward pass (exactly the forward's values). */
static void ln_apply(int64_t rows, int64_t d, const float *x, const float *mean, const float *rstd, const float *w, const float *b, float *out) {
  ln_apply_job j = {d, x, mean, rstd, w, b, out};
  ecamp_parallel_range(rows, (double)d * 3, ln_apply_rows, &j);
}

/* y = x·W (+ b) for x [rows, in], W [in, out]; with `accumulate`, y += x·W (+ b). */
static void linear(int64_t rows, int in, int out, const float *x, const float *w, const float *b, float *y, int accumulate) {
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

/* Operand view of head block `column` of a [B, N, width] tensor. */
static ecamp_operand heads_of(float *base, int64_t n, int64_t width, int64_t column, int64_t hd) {
  ecamp_operand o = {base + column, n * width, hd, width};
  return o;
}

/*
 * blockForward(heap, B, N, D, H, hidden, eps, x, ln1w, ln1b, wqkv, bqkv, wproj, bproj, ln2w,
 *   ln2b, w1, b1, w2, b2, mask, y, mean1, rstd1, qkv, probs, a, x2, mean2, rstd2, f1)
 * bqkv and mask may be −1 (absent).
 */
static napi_value js_block_forward(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "blockForward", 30)) return NULL;
  const int B = (int)ecamp_int(&c, 1), N = (int)ecamp_int(&c, 2), D = (int)ecamp_int(&c, 3), H = (int)ecamp_int(&c, 4);
  const int hidden = (int)ecamp_int(&c, 5);
  const float eps = (float)ecamp_num(&c, 6);
  if (c.failed) return NULL;
  if (B <= 0 || N <= 0 || D <= 0 || H <= 0 || D % H != 0 || hidden <= 0) {
    ecamp_fail(&c, "bad block shape");
    return NULL;
  }
  const int64_t R = (int64_t)B * N;
  const float *x = ecamp_f32(&c, 7, R * D), *ln1w = ecamp_f32(&c, 8, D), *ln1b = ecamp_f32(&c, 9, D);
  const float *wqkv = ecamp_f32(&c, 10, (int64_t)D * 3 * D), *bqkv = ecamp_f32(&c, 11, 3 * D);
  const float *wproj = ecamp_f32(&c, 12, (int64_t)D * D), *bproj = ecamp_f32(&c, 13, D);
  const float *ln2w = ecamp_f32(&c, 14, D), *ln2b = ecamp_f32(&c, 15, D);
  const float *w1 = ecamp_f32(&c, 16, (int64_t)D * hidden), *b1 = ecamp_f32(&c, 17, hidden);
  const float *w2 = ecamp_f32(&c, 18, (int64_t)hidden * D), *b2 = ecamp_f32(&c, 19, D);
  const float *mask = ecamp_f32(&c, 20, (int64_t)B * N);
  float *y = ecamp_f32(&c, 21, R * D), *mean1 = ecamp_f32(&c, 22, R), *rstd1 = ecamp_f32(&c, 23, R);
  float *qkv = ecamp_f32(&c, 24, R * 3 * D), *probs = ecamp_f32(&c, 25, (int64_t)B * H * N * N);
  float *a = ecamp_f32(&c, 26, R * D), *x2 = ecamp_f32(&c, 27, R * D);
  float *mean2 = ecamp_f32(&c, 28, R), *rstd2 = ecamp_f32(&c, 29, R), *f1 = ecamp_f32(&c, 30, R * hidden);
  if (c.failed) return NULL;
  if (!x || !ln1w || !ln1b || !wqkv || !wproj || !bproj || !ln2w || !ln2b || !w1 || !b1 || !w2 || !b2 || !y || !mean1 || !rstd1 || !qkv ||
      !probs || !a || !x2 || !mean2 || !rstd2 || !f1) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  const int hd = D / H;
  /* h: [R, max(D, hidden)] scratch for LN outputs and gelu(f1). */
  float *h = (float *)ecamp_scratch(0, ECAMP_SCRATCH_BLOCK_H, (size_t)R * (size_t)(hidden > D ? hidden : D) * sizeof(float));
  if (!h) {
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  ecamp_layer_norm(R, D, eps, x, ln1w, ln1b, h, mean1, rstd1);
  linear(R, D, 3 * D, h, wqkv, bqkv, qkv, 0);
  ecamp_attention(B, H, N, N, hd, 1.0f / sqrtf((float)hd), heads_of(qkv, N, 3 * D, 0, hd), heads_of(qkv, N, 3 * D, D, hd),
                  heads_of(qkv, N, 3 * D, 2 * D, hd), heads_of(a, N, D, 0, hd), probs, mask);
  memcpy(x2, x, (size_t)(R * D) * sizeof(float));
  linear(R, D, D, a, wproj, bproj, x2, 1);
  ecamp_layer_norm(R, D, eps, x2, ln2w, ln2b, h, mean2, rstd2);
  linear(R, D, hidden, h, w1, b1, f1, 0);
  ecamp_gelu(R * hidden, f1, h);
  memcpy(y, x2, (size_t)(R * D) * sizeof(float));
  linear(R, hidden, D, h, w2, b2, y, 1);
  return ecamp_end(&c);
}

/*
 * blockBackward(heap, B, N, D, H, hidden, eps, x, ln1w, ln1b, wqkv, bqkv, wproj, ln2w, ln2b,
 *   w1, b1, w2, mean1, rstd1, qkv, probs, a, x2, mean2, rstd2, f1, dy,
 *   dx, dln1w, dln1b, dwqkv, dbqkv, dwproj, dbproj, dln2w, dln2b, dw1, db1, dw2, db2)
 * bqkv / dbqkv may be −1 (no qkv bias).
 */
static napi_value js_block_backward(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "blockBackward", 40)) return NULL;
  const int B = (int)ecamp_int(&c, 1), N = (int)ecamp_int(&c, 2), D = (int)ecamp_int(&c, 3), H = (int)ecamp_int(&c, 4);
  const int hidden = (int)ecamp_int(&c, 5);
  (void)ecamp_num(&c, 6); /* eps: the statistics are saved, nothing is renormalised */
  if (c.failed) return NULL;
  if (B <= 0 || N <= 0 || D <= 0 || H <= 0 || D % H != 0 || hidden <= 0) {
    ecamp_fail(&c, "bad block shape");
    return NULL;
  }
  const int64_t R = (int64_t)B * N;
  const float *x = ecamp_f32(&c, 7, R * D), *ln1w = ecamp_f32(&c, 8, D), *ln1b = ecamp_f32(&c, 9, D);
  const float *wqkv = ecamp_f32(&c, 10, (int64_t)D * 3 * D), *bqkv = ecamp_f32(&c, 11, 3 * D);
  const float *wproj = ecamp_f32(&c, 12, (int64_t)D * D);
  const float *ln2w = ecamp_f32(&c, 13, D), *ln2b = ecamp_f32(&c, 14, D);
  const float *w1 = ecamp_f32(&c, 15, (int64_t)D * hidden), *b1 = ecamp_f32(&c, 16, hidden);
  const float *w2 = ecamp_f32(&c, 17, (int64_t)hidden * D);
  const float *mean1 = ecamp_f32(&c, 18, R), *rstd1 = ecamp_f32(&c, 19, R);
  float *qkv = ecamp_f32(&c, 20, R * 3 * D);
  const float *probs = ecamp_f32(&c, 21, (int64_t)B * H * N * N);
  float *a = ecamp_f32(&c, 22, R * D);
  const float *x2 = ecamp_f32(&c, 23, R * D), *mean2 = ecamp_f32(&c, 24, R), *rstd2 = ecamp_f32(&c, 25, R);
  const float *f1 = ecamp_f32(&c, 26, R * hidden), *dy = ecamp_f32(&c, 27, R * D);
  float *dx = ecamp_f32(&c, 28, R * D), *dln1w = ecamp_f32(&c, 29, D), *dln1b = ecamp_f32(&c, 30, D);
  float *dwqkv = ecamp_f32(&c, 31, (int64_t)D * 3 * D), *dbqkv = ecamp_f32(&c, 32, 3 * D);
  float *dwproj = ecamp_f32(&c, 33, (int64_t)D * D), *dbproj = ecamp_f32(&c, 34, D);
  float *dln2w = ecamp_f32(&c, 35, D), *dln2b = ecamp_f32(&c, 36, D);
  float *dw1 = ecamp_f32(&c, 37, (int64_t)D * hidden), *db1 = ecamp_f32(&c, 38, hidden);
  float *dw2 = ecamp_f32(&c, 39, (int64_t)hidden * D), *db2 = ecamp_f32(&c, 40, D);
  if (c.failed) return NULL;
  (void)bqkv;
  if (!x || !ln1w || !ln1b || !wqkv || !wproj || !ln2w || !ln2b || !w1 || !b1 || !w2 || !mean1 || !rstd1 || !qkv || !probs || !a || !x2 ||
      !mean2 || !rstd2 || !f1 || !dy || !dx || !dln1w || !dln1b || !dwqkv || !dwproj || !dbproj || !dln2w || !dln2b || !dw1 || !db1 || !dw2 ||
      !db2) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  const int hd = D / H;
  const int64_t wide = hidden > 3 * D ? hidden : 3 * D;
  /* Scratch: h [R, max(D, hidden)] (recomputed activations), g [R, max(hidden, 3D)] (gradients),
   * dx2 [R, D]. */
  float *h = (float *)ecamp_scratch(0, ECAMP_SCRATCH_BLOCK_H, (size_t)R * (size_t)(hidden > D ? hidden : D) * sizeof(float));
  float *g = (float *)ecamp_scratch(0, ECAMP_SCRATCH_BLOCK_G, (size_t)R * (size_t)wide * sizeof(float));
  float *dx2 = (float *)ecamp_scratch(0, ECAMP_SCRATCH_BLOCK_DX2, (size_t)R * D * sizeof(float));
  int ok = h && g && dx2;
  if (ok) {
    /* MLP branch: y = x2 + gelu(f1)·W2 + b2 */
    ecamp_column_sums(R, D, dy, db2);
    ecamp_gelu(R * hidden, f1, h);                                                                     /* h = gelu(f1) */
    ecamp_gemm_batched(1, 0, 1, hidden, D, (int)R, 1.0f, h, 0, hidden, dy, 0, D, 0.0f, dw2, 0, D);     /* dW2 = hᵀ·dy */
    ecamp_gemm_batched(0, 1, 1, (int)R, hidden, D, 1.0f, dy, 0, D, w2, 0, D, 0.0f, g, 0, hidden);       /* dh = dy·W2ᵀ */
    ecamp_gelu_grad(R * hidden, f1, g, g);                                                              /* df1 */
    ecamp_column_sums(R, hidden, g, db1);
    ln_apply(R, D, x2, mean2, rstd2, ln2w, ln2b, h);                                                   /* h = LN2(x2) */
    ecamp_gemm_batched(1, 0, 1, D, hidden, (int)R, 1.0f, h, 0, D, g, 0, hidden, 0.0f, dw1, 0, hidden); /* dW1 = h2ᵀ·df1 */
    ecamp_gemm_batched(0, 1, 1, (int)R, D, hidden, 1.0f, g, 0, hidden, w1, 0, hidden, 0.0f, h, 0, D);  /* dh2 = df1·W1ᵀ */
    ok = ecamp_layer_norm_grad(R, D, x2, ln2w, mean2, rstd2, h, dx2, dln2w, dln2b);
  }
  if (ok) {
    for (int64_t i = 0; i < R * D; i++) dx2[i] += dy[i]; /* residual */
    /* Attention branch: x2 = x + a·Wproj + bproj */
    ecamp_column_sums(R, D, dx2, dbproj);
    ecamp_gemm_batched(1, 0, 1, D, D, (int)R, 1.0f, a, 0, D, dx2, 0, D, 0.0f, dwproj, 0, D);      /* dWproj = aᵀ·dx2 */
    ecamp_gemm_batched(0, 1, 1, (int)R, D, D, 1.0f, dx2, 0, D, wproj, 0, D, 0.0f, h, 0, D);      /* da = dx2·Wprojᵀ */
    ok = ecamp_attention_grad(B, H, N, N, hd, 1.0f / sqrtf((float)hd), heads_of(qkv, N, 3 * D, 0, hd), heads_of(qkv, N, 3 * D, D, hd),
                              heads_of(qkv, N, 3 * D, 2 * D, hd), heads_of(h, N, D, 0, hd), probs, NULL, heads_of(g, N, 3 * D, 0, hd),
                              heads_of(g, N, 3 * D, D, hd), heads_of(g, N, 3 * D, 2 * D, hd)); /* g = dqkv */
  }
  if (ok) {
    if (dbqkv) ecamp_column_sums(R, 3 * D, g, dbqkv);
    ln_apply(R, D, x, mean1, rstd1, ln1w, ln1b, h);                                                 /* h = LN1(x) */
    ecamp_gemm_batched(1, 0, 1, D, 3 * D, (int)R, 1.0f, h, 0, D, g, 0, 3 * D, 0.0f, dwqkv, 0, 3 * D); /* dWqkv = h1ᵀ·dqkv */
    ecamp_gemm_batched(0, 1, 1, (int)R, D, 3 * D, 1.0f, g, 0, 3 * D, wqkv, 0, 3 * D, 0.0f, h, 0, D); /* dh1 = dqkv·Wqkvᵀ */
    ok = ecamp_layer_norm_grad(R, D, x, ln1w, mean1, rstd1, h, dx, dln1w, dln1b);
  }
  if (ok)
    for (int64_t i = 0; i < R * D; i++) dx[i] += dx2[i]; /* residual */
  if (!ok) {
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  (void)b1;
  return ecamp_end(&c);
}

const ecamp_export ecamp_block_exports[] = {{"blockForward", js_block_forward}, {"blockBackward", js_block_backward}, {NULL, NULL}};
