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

/* Operand view of head block `column` of a [B, N, width] tensor. */
static ecamp_operand heads_of(float *base, int64_t n, int64_t width, int64_t column, int64_t hd) {
  ecamp_operand o = {base + column, n * width, hd, width};
  return o;
}

typedef struct {
  ecamp_operand q, k, v;
} qkv_heads;

/* Views of the q, k and v heads of a fused [B, N, 3·D] tensor. */
static qkv_heads qkv_heads_of(float *base, int64_t n, int64_t d, int64_t hd) {
  qkv_heads t = {heads_of(base, n, 3 * d, 0, hd), heads_of(base, n, 3 * d, d, hd), heads_of(base, n, 3 * d, 2 * d, hd)};
  return t;
}

typedef struct {
  int B, N, D, H, hidden;
  float eps;
} block_dims;

/* Arguments 1..6 shared by both entry points: B, N, D, H, hidden, eps; throws on a bad shape. */
static int read_dims(ecamp_call *c, block_dims *s) {
  s->B = (int)ecamp_int(c, 1);
  s->N = (int)ecamp_int(c, 2);
  s->D = (int)ecamp_int(c, 3);
  s->H = (int)ecamp_int(c, 4);
  s->hidden = (int)ecamp_int(c, 5);
  s->eps = (float)ecamp_num(c, 6);
  if (c->failed) return 0;
  if (s->B <= 0 || s->N <= 0 || s->D <= 0 || s->H <= 0 || s->D % s->H != 0 || s->hidden <= 0) {
    ecamp_fail(c, "bad block shape");
    return 0;
  }
  return 1;
}

/* Scratch h: [R, max(D, hidden)], for LN outputs and gelu(f1) (both passes). */
static float *scratch_h(int64_t R, int D, int hidden) {
  return (float *)ecamp_scratch(0, ECAMP_SCRATCH_BLOCK_H, (size_t)R * (size_t)(hidden > D ? hidden : D) * sizeof(float));
}

/*
 * blockForward(heap, B, N, D, H, hidden, eps, x, ln1w, ln1b, wqkv, bqkv, wproj, bproj, ln2w,
 *   ln2b, w1, b1, w2, b2, mask, y, mean1, rstd1, qkv, probs, a, x2, mean2, rstd2, f1)
 * bqkv and mask may be −1 (absent).
 */
static napi_value js_block_forward(napi_env env, napi_callback_info info) {
  ecamp_call c;
  block_dims s;
  if (!ecamp_begin(env, info, &c, "blockForward", 30) || !read_dims(&c, &s)) return NULL;
  const int B = s.B, N = s.N, D = s.D, H = s.H, hidden = s.hidden;
  const float eps = s.eps;
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
  float *h = scratch_h(R, D, hidden);
  if (!h) {
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  ecamp_layer_norm(R, D, eps, x, ln1w, ln1b, h, mean1, rstd1);
  ecamp_linear(R, D, 3 * D, h, wqkv, bqkv, qkv, 0);
  const qkv_heads t = qkv_heads_of(qkv, N, D, hd);
  ecamp_attention(B, H, N, N, hd, 1.0f / sqrtf((float)hd), t.q, t.k, t.v, heads_of(a, N, D, 0, hd), probs, mask);
  memcpy(x2, x, (size_t)(R * D) * sizeof(float));
  ecamp_linear(R, D, D, a, wproj, bproj, x2, 1);
  ecamp_layer_norm(R, D, eps, x2, ln2w, ln2b, h, mean2, rstd2);
  ecamp_linear(R, D, hidden, h, w1, b1, f1, 0);
  ecamp_gelu(R * hidden, f1, h);
  memcpy(y, x2, (size_t)(R * D) * sizeof(float));
  ecamp_linear(R, hidden, D, h, w2, b2, y, 1);
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
  block_dims s; /* s.eps unused: the statistics are saved, nothing is renormalised */
  if (!ecamp_begin(env, info, &c, "blockBackward", 40) || !read_dims(&c, &s)) return NULL;
  const int B = s.B, N = s.N, D = s.D, H = s.H, hidden = s.hidden;
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
  float *h = scratch_h(R, D, hidden);
  float *g = (float *)ecamp_scratch(0, ECAMP_SCRATCH_BLOCK_G, (size_t)R * (size_t)wide * sizeof(float));
  float *dx2 = (float *)ecamp_scratch(0, ECAMP_SCRATCH_BLOCK_DX2, (size_t)R * D * sizeof(float));
  int ok = h && g && dx2;
  if (ok) {
    /* MLP branch: y = x2 + gelu(f1)·W2 + b2 */
    ecamp_gelu(R * hidden, f1, h);                                    /* h = gelu(f1) */
    ecamp_linear_grad(R, hidden, D, h, w2, dy, g, dw2, db2);          /* db2; dW2 = hᵀ·dy; g = dh = dy·W2ᵀ */
    ecamp_gelu_grad(R * hidden, f1, g, g);                            /* df1 */
    ecamp_layer_norm_apply(R, D, x2, mean2, rstd2, ln2w, ln2b, h);    /* h = LN2(x2) */
    ecamp_linear_grad(R, D, hidden, h, w1, g, h, dw1, db1);           /* db1; dW1 = h2ᵀ·df1; h = dh2 = df1·W1ᵀ */
    ok = ecamp_layer_norm_grad(R, D, x2, ln2w, mean2, rstd2, h, dx2, dln2w, dln2b);
  }
  if (ok) {
    for (int64_t i = 0; i < R * D; i++) dx2[i] += dy[i]; /* residual */
    /* Attention branch: x2 = x + a·Wproj + bproj */
    ecamp_linear_grad(R, D, D, a, wproj, dx2, h, dwproj, dbproj);     /* dbproj; dWproj = aᵀ·dx2; h = da = dx2·Wprojᵀ */
    const qkv_heads t = qkv_heads_of(qkv, N, D, hd), dt = qkv_heads_of(g, N, D, hd);
    ok = ecamp_attention_grad(B, H, N, N, hd, 1.0f / sqrtf((float)hd), t.q, t.k, t.v, heads_of(h, N, D, 0, hd), probs, NULL, dt.q, dt.k,
                              dt.v); /* g = dqkv */
  }
  if (ok) {
    ecamp_layer_norm_apply(R, D, x, mean1, rstd1, ln1w, ln1b, h);     /* h = LN1(x) */
    ecamp_linear_grad(R, D, 3 * D, h, wqkv, g, h, dwqkv, dbqkv);      /* dbqkv (optional); dWqkv = h1ᵀ·dqkv; h = dh1 = dqkv·Wqkvᵀ */
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
