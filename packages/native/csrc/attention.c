/*
 * Scaled dot-product attention, forward and backward, one (batch, head) pair per task.
 *
 * Every operand is described by a byte offset and element strides (per batch, per head, per
 * row), so the same kernel reads heads straight out of a fused [B, N, 3·D] qkv projection or a
 * [B, H, N, hd] tensor and writes the merged [B, N, D] output: no head transposes at all.
 *
 *   S = scale·Q·Kᵀ + maskBias,  P = softmax(S),  O = P·V
 *   dV = Pᵀ·dO,  dP = dO·Vᵀ (+ dP from returned probabilities),  dS = P ⊙ (dP − Σ_j dP ⊙ P),
 *   dQ = scale·dS·K,  dK = scale·dSᵀ·Q
 */
#include "ecamp_native.h"

#include <stdlib.h>


/* Reads an operand descriptor (offset, strideB, strideH, strideRow) at arguments i..i+3. */
static ecamp_operand read_operand(ecamp_call *c, size_t i, int b, int h, int rows, int hd) {
  ecamp_operand o = {NULL, ecamp_int(c, i + 1), ecamp_int(c, i + 2), ecamp_int(c, i + 3)};
  if (c->failed) return o;
  if (o.sb < 0 || o.sh < 0 || o.sr < hd) {
    ecamp_fail(c, "bad operand strides");
    return o;
  }
  const int64_t extent = (int64_t)(b - 1) * o.sb + (int64_t)(h - 1) * o.sh + (int64_t)(rows - 1) * o.sr + hd;
  o.p = ecamp_f32(c, i, extent);
  if (!c->failed && o.p == NULL) ecamp_fail(c, "missing operand");
  return o;
}

typedef struct {
  int B, H, N, M, hd;
  float scale;
  ecamp_operand q, k, v, o; /* o: the output (forward) or dOut (backward), [B, H, N, hd] */
} attn_args;

/* Arguments 1..22 shared by both entry points: B, H, N, M, hd, scale, then the q, k, v and o
 * views. Returns 0 on failure or for an empty problem (nothing to do). */
static int read_args(ecamp_call *c, attn_args *a) {
  a->B = (int)ecamp_int(c, 1);
  a->H = (int)ecamp_int(c, 2);
  a->N = (int)ecamp_int(c, 3);
  a->M = (int)ecamp_int(c, 4);
  a->hd = (int)ecamp_int(c, 5);
  a->scale = (float)ecamp_num(c, 6);
  if (c->failed || a->B <= 0 || a->H <= 0 || a->N <= 0 || a->M <= 0 || a->hd <= 0) return 0;
  a->q = read_operand(c, 7, a->B, a->H, a->N, a->hd);
  a->k = read_operand(c, 11, a->B, a->H, a->M, a->hd);
  a->v = read_operand(c, 15, a->B, a->H, a->M, a->hd);
  a->o = read_operand(c, 19, a->B, a->H, a->N, a->hd);
  return !c->failed;
}

static inline float *at(const ecamp_operand *o, int b, int h) { return o->p + (int64_t)b * o->sb + (int64_t)h * o->sh; }

typedef struct {
  int B, H, N, M, hd;
  float scale;
  ecamp_operand q, k, v, o, dout, dq, dk, dv;
  float *probs;
  const float *dprobs, *mask;
  float **scratch; /* per thread, N×M */
} attn_job;

/* One (batch, head): S = scale·QKᵀ + mask bias → softmax in place → O = P·V. */
static void attention_task(void *ctx, int64_t t, int thread) {
  (void)thread;
  const attn_job *j = (const attn_job *)ctx;
  const int N = j->N, M = j->M, hd = j->hd;
  const int b = (int)(t / j->H), h = (int)(t % j->H);
  float *p = j->probs + t * N * M;
  ecamp_sgemm(0, 1, N, M, hd, j->scale, at(&j->q, b, h), (int)j->q.sr, at(&j->k, b, h), (int)j->k.sr, 0.0f, p, M);
  const float *mb = j->mask ? j->mask + (int64_t)b * M : NULL;
  for (int i = 0; i < N; i++) {
    float *row = p + (int64_t)i * M;
    if (mb)
      for (int c = 0; c < M; c++) row[c] += (1.0f - mb[c]) * -1e9f;
    float mx = row[0];
    for (int c = 1; c < M; c++) mx = row[c] > mx ? row[c] : mx;
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int c = 0; c < M; c++) {
      const float e = ecamp_expf(row[c] - mx);
      row[c] = e;
      s += e;
    }
    const float inv = 1.0f / s;
    for (int c = 0; c < M; c++) row[c] *= inv;
  }
  ecamp_sgemm(0, 0, N, hd, M, 1.0f, p, M, at(&j->v, b, h), (int)j->v.sr, 0.0f, at(&j->o, b, h), (int)j->o.sr);
}

/* One (batch, head) of the backward pass; dS lives in this thread's scratch. */
static void attention_grad_task(void *ctx, int64_t t, int thread) {
  const attn_job *j = (const attn_job *)ctx;
  const int N = j->N, M = j->M, hd = j->hd;
  const int b = (int)(t / j->H), h = (int)(t % j->H);
  const float *p = j->probs + t * N * M;
  float *ds = j->scratch[thread];
  /* dV = Pᵀ·dO */
  ecamp_sgemm(1, 0, M, hd, N, 1.0f, p, M, at(&j->dout, b, h), (int)j->dout.sr, 0.0f, at(&j->dv, b, h), (int)j->dv.sr);
  /* dP = dO·Vᵀ (+ dProbs) */
  if (j->dprobs) memcpy(ds, j->dprobs + t * N * M, (size_t)N * M * sizeof(float));
  ecamp_sgemm(0, 1, N, M, hd, 1.0f, at(&j->dout, b, h), (int)j->dout.sr, at(&j->v, b, h), (int)j->v.sr, j->dprobs ? 1.0f : 0.0f, ds, M);
  /* softmax backward, row by row */
  for (int i = 0; i < N; i++) {
    float *dr = ds + (int64_t)i * M;
    const float *pr = p + (int64_t)i * M;
    float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
    for (int c = 0; c < M; c++) dot += dr[c] * pr[c];
    for (int c = 0; c < M; c++) dr[c] = pr[c] * (dr[c] - dot);
  }
  /* dQ = scale·dS·K,  dK = scale·dSᵀ·Q */
  ecamp_sgemm(0, 0, N, hd, M, j->scale, ds, M, at(&j->k, b, h), (int)j->k.sr, 0.0f, at(&j->dq, b, h), (int)j->dq.sr);
  ecamp_sgemm(1, 0, M, hd, N, j->scale, ds, M, at(&j->q, b, h), (int)j->q.sr, 0.0f, at(&j->dk, b, h), (int)j->dk.sr);
}

/*
 * attention(heap, B, H, N, M, hd, scale, q×4, k×4, v×4, out×4, probs, mask):
 * probs [B, H, N, M] contiguous (kept for the backward pass); mask [B, M] (1 keep, 0 padding
 * key, which gets −1e9 before the softmax) or a negative offset for none.
 */
static napi_value js_attention(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "attention", 24)) return NULL;
  attn_args a;
  if (!read_args(&c, &a)) return c.failed ? NULL : ecamp_end(&c);
  float *probs = ecamp_f32(&c, 23, (int64_t)a.B * a.H * a.N * a.M);
  const float *mask = ecamp_f32(&c, 24, (int64_t)a.B * a.M);
  if (c.failed) return NULL;
  if (!probs) {
    ecamp_fail(&c, "missing probabilities buffer");
    return NULL;
  }
  ecamp_attention(a.B, a.H, a.N, a.M, a.hd, a.scale, a.q, a.k, a.v, a.o, probs, mask);
  return ecamp_end(&c);
}

void ecamp_attention(int B, int H, int N, int M, int hd, float scale, ecamp_operand q, ecamp_operand k, ecamp_operand v, ecamp_operand o,
                     float *probs, const float *mask) {
  attn_job j = {B, H, N, M, hd, scale, q, k, v, o, {0}, {0}, {0}, {0}, probs, NULL, mask, NULL};
  if ((double)B * H * N * M * hd * 4 < 32768) {
    for (int t = 0; t < B * H; t++) attention_task(&j, t, 0);
  } else {
    ecamp_parallel((int64_t)B * H, attention_task, &j);
  }
}

/*
 * attentionGrad(heap, B, H, N, M, hd, scale, q×4, k×4, v×4, dOut×4, probs, dProbs, dq×4, dk×4,
 * dv×4): dProbs [B, H, N, M] (gradient of returned probabilities) or a negative offset.
 */
static napi_value js_attention_grad(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "attentionGrad", 36)) return NULL;
  attn_args a;
  if (!read_args(&c, &a)) return c.failed ? NULL : ecamp_end(&c);
  const int B = a.B, H = a.H, N = a.N, M = a.M, hd = a.hd;
  const float *probs = ecamp_f32(&c, 23, (int64_t)B * H * N * M);
  const float *dprobs = ecamp_f32(&c, 24, (int64_t)B * H * N * M);
  const ecamp_operand dq = read_operand(&c, 25, B, H, N, hd), dk = read_operand(&c, 29, B, H, M, hd);
  const ecamp_operand dv = read_operand(&c, 33, B, H, M, hd);
  if (c.failed) return NULL;
  if (!probs) {
    ecamp_fail(&c, "missing probabilities");
    return NULL;
  }
  if (!ecamp_attention_grad(B, H, N, M, hd, a.scale, a.q, a.k, a.v, a.o, probs, dprobs, dq, dk, dv)) {
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  return ecamp_end(&c);
}

int ecamp_attention_grad(int B, int H, int N, int M, int hd, float scale, ecamp_operand q, ecamp_operand k, ecamp_operand v, ecamp_operand dout,
                         const float *probs, const float *dprobs, ecamp_operand dq, ecamp_operand dk, ecamp_operand dv) {
  const int threads = ecamp_pool_threads();
  float *scratch[256];
  int oom = threads > 256;
  for (int t = 0; !oom && t < threads; t++) oom = (scratch[t] = (float *)ecamp_scratch(t, ECAMP_SCRATCH_ATTENTION, (size_t)N * M * sizeof(float))) == NULL;
  if (!oom) {
    attn_job j = {B, H, N, M, hd, scale, q, k, v, {0}, dout, dq, dk, dv, (float *)probs, dprobs, NULL, scratch};
    if ((double)B * H * N * M * hd * 8 < 32768) {
      for (int t = 0; t < B * H; t++) attention_grad_task(&j, t, 0);
    } else {
      ecamp_parallel((int64_t)B * H, attention_grad_task, &j);
    }
  }
  return !oom;
}

const ecamp_export ecamp_attention_exports[] = {{"attention", js_attention}, {"attentionGrad", js_attention_grad}, {NULL, NULL}};
