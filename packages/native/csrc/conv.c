/*
 * 2-D convolution, NHWC input, [kh, kw, Cin, Cout] filter (TF layout), zero padding given as
 * top/left amounts (bottom/right follow from the output size), dilation 1. Forward, input
 * gradient and filter gradient.
 *
 * Two algorithms:
 * - few channels (Cin·Cout ≤ 64, stride 1 — the SR head's 3→3→3 convolutions at 390²): each
 *   image is copied to zero-bordered planes [C, Hp, Wp] and the convolution runs as stencils
 *   along contiguous rows (vectorised), then is interleaved back to NHWC;
 * - otherwise im2col + OpenBLAS GEMM over blocks of output rows (bounded scratch memory).
 */
#include "ecamp_native.h"

#include <stdlib.h>

typedef struct {
  int b, h, w, cin, ho, wo, cout, kh, kw, stride, pt, pl;
} conv_shape;

static int read_shape(ecamp_call *c, conv_shape *s) {
  s->b = (int)ecamp_int(c, 1);
  s->h = (int)ecamp_int(c, 2);
  s->w = (int)ecamp_int(c, 3);
  s->cin = (int)ecamp_int(c, 4);
  s->ho = (int)ecamp_int(c, 5);
  s->wo = (int)ecamp_int(c, 6);
  s->cout = (int)ecamp_int(c, 7);
  s->kh = (int)ecamp_int(c, 8);
  s->kw = (int)ecamp_int(c, 9);
  s->stride = (int)ecamp_int(c, 10);
  s->pt = (int)ecamp_int(c, 11);
  s->pl = (int)ecamp_int(c, 12);
  if (c->failed) return 0;
  if (s->b < 0 || s->h < 0 || s->w < 0 || s->cin < 0 || s->ho < 0 || s->wo < 0 || s->cout < 0 || s->kh < 1 || s->kw < 1 ||
      s->stride < 1 || s->pt < 0 || s->pl < 0) {
    ecamp_fail(c, "bad convolution shape");
    return 0;
  }
  /* The last window must start inside the padded input. */
  if (s->ho > 0 && (s->ho - 1) * s->stride - s->pt >= s->h + s->kh) {
    ecamp_fail(c, "output height does not fit the input");
    return 0;
  }
  if (s->wo > 0 && (s->wo - 1) * s->stride - s->pl >= s->w + s->kw) {
    ecamp_fail(c, "output width does not fit the input");
    return 0;
  }
  return 1;
}

static int use_planes(const conv_shape *s) { return s->stride == 1 && (int64_t)s->cin * s->cout <= 64; }

/* Padded plane geometry: rows/cols of the padded input that any window touches. */
static int plane_h(const conv_shape *s) { return s->ho + s->kh - 1; }
static int plane_w(const conv_shape *s) { return s->wo + s->kw - 1; }

/* NHWC image → zero-bordered planes [C, Hp, Wp] (pixel (y, x) at (y + pt, x + pl)). */
static void to_planes(const float *img, int h, int w, int ch, int pt, int pl, int hp, int wp, float *planes) {
  memset(planes, 0, (size_t)ch * hp * wp * sizeof(float));
  for (int y = 0; y < h; y++) {
    const int py = y + pt;
    if (py < 0 || py >= hp) continue;
    const float *row = img + (int64_t)y * w * ch;
    for (int cc = 0; cc < ch; cc++) {
      float *dst = planes + ((int64_t)cc * hp + py) * wp + pl;
      for (int x = 0; x < w && x + pl < wp; x++) dst[x] = row[(int64_t)x * ch + cc];
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * Few-channel stencils
 * ------------------------------------------------------------------------------------------- */

/*
 * The stencils run output row by output row, so the rows they touch (kh input rows per channel,
 * one output row) stay in L1 across the Cin·Cout·kh·kw passes; plane-at-a-time loops re-read a
 * 600 KB plane per pass and were memory-bound.
 */

/* out planes [Cout, Ho, Wo] = Σ_{ky,kx,ci} w[ky,kx,ci,co] · in planes [Cin, Hp, Wp] shifted. */
static void stencil_forward(const conv_shape *s, const float *in, const float *wt, float *out) {
  const int hp = plane_h(s), wp = plane_w(s);
  for (int y = 0; y < s->ho; y++)
    for (int co = 0; co < s->cout; co++) {
      float *dst = out + ((int64_t)co * s->ho + y) * s->wo;
      memset(dst, 0, (size_t)s->wo * sizeof(float));
      for (int ci = 0; ci < s->cin; ci++)
        for (int ky = 0; ky < s->kh; ky++) {
          const float *row = in + ((int64_t)ci * hp + y + ky) * wp;
          for (int kx = 0; kx < s->kw; kx++) {
            const float wv = wt[(((int64_t)ky * s->kw + kx) * s->cin + ci) * s->cout + co];
            const float *src = row + kx;
#pragma omp simd
            for (int x = 0; x < s->wo; x++) dst[x] += wv * src[x];
          }
        }
    }
}

/* dW[ky,kx,ci,co] += Σ_{y,x} in[ci, y+ky, x+kx] · dy[co, y, x], accumulated row by row. */
static void stencil_filter_grad(const conv_shape *s, const float *in, const float *dy, float *dw) {
  const int hp = plane_h(s), wp = plane_w(s);
  for (int y = 0; y < s->ho; y++)
    for (int ci = 0; ci < s->cin; ci++)
      for (int ky = 0; ky < s->kh; ky++) {
        const float *row = in + ((int64_t)ci * hp + y + ky) * wp;
        for (int co = 0; co < s->cout; co++) {
          const float *g = dy + ((int64_t)co * s->ho + y) * s->wo;
          for (int kx = 0; kx < s->kw; kx++) {
            const float *src = row + kx;
            float r = 0.0f;
#pragma omp simd reduction(+ : r)
            for (int x = 0; x < s->wo; x++) r += src[x] * g[x];
            dw[(((int64_t)ky * s->kw + kx) * s->cin + ci) * s->cout + co] += r;
          }
        }
      }
}

/*
 * Input gradient: the padded-input gradient planes [Cin, Hp, Wp] get Σ w · dy scattered at
 * each offset (the adjoint of stencil_forward), one padded row at a time.
 */
static void stencil_input_grad(const conv_shape *s, const float *dy, const float *wt, float *dpad) {
  const int hp = plane_h(s), wp = plane_w(s);
  for (int py = 0; py < hp; py++)
    for (int ci = 0; ci < s->cin; ci++) {
      float *dst = dpad + ((int64_t)ci * hp + py) * wp;
      memset(dst, 0, (size_t)wp * sizeof(float));
      for (int ky = 0; ky < s->kh; ky++) {
        const int y = py - ky; /* output row that reads padded row py through kernel row ky */
        if (y < 0 || y >= s->ho) continue;
        for (int co = 0; co < s->cout; co++) {
          const float *g = dy + ((int64_t)co * s->ho + y) * s->wo;
          for (int kx = 0; kx < s->kw; kx++) {
            const float wv = wt[(((int64_t)ky * s->kw + kx) * s->cin + ci) * s->cout + co];
            float *d = dst + kx;
#pragma omp simd
            for (int x = 0; x < s->wo; x++) d[x] += wv * g[x];
          }
        }
      }
    }
}

/* planes [C, ho, wo] → NHWC image rows (out = planes, or += when accumulate) */
static void from_planes(const float *planes, int ho, int wo, int ch, float *img) {
  for (int y = 0; y < ho; y++) {
    float *row = img + (int64_t)y * wo * ch;
    for (int cc = 0; cc < ch; cc++) {
      const float *src = planes + ((int64_t)cc * ho + y) * wo;
      for (int x = 0; x < wo; x++) row[(int64_t)x * ch + cc] = src[x];
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * im2col + GEMM
 * ------------------------------------------------------------------------------------------- */

/* Rows y0..y1 of the output of image `img`: cols [(y1−y0)·Wo, kh·kw·Cin], column order (ky, kx, c). */
static void im2col_rows(const conv_shape *s, const float *img, int y0, int y1, float *cols) {
  const int kdim = s->kh * s->kw * s->cin;
  for (int y = y0; y < y1; y++)
    for (int x = 0; x < s->wo; x++) {
      float *col = cols + ((int64_t)(y - y0) * s->wo + x) * kdim;
      for (int ky = 0; ky < s->kh; ky++) {
        const int iy = y * s->stride + ky - s->pt;
        for (int kx = 0; kx < s->kw; kx++) {
          const int ix = x * s->stride + kx - s->pl;
          float *dst = col + ((int64_t)ky * s->kw + kx) * s->cin;
          if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) memset(dst, 0, (size_t)s->cin * sizeof(float));
          else memcpy(dst, img + ((int64_t)iy * s->w + ix) * s->cin, (size_t)s->cin * sizeof(float));
        }
      }
    }
}

/* Adjoint of im2col_rows: scatter-add cols into the image gradient. */
static void col2im_rows(const conv_shape *s, const float *cols, int y0, int y1, float *img) {
  const int kdim = s->kh * s->kw * s->cin;
  for (int y = y0; y < y1; y++)
    for (int x = 0; x < s->wo; x++) {
      const float *col = cols + ((int64_t)(y - y0) * s->wo + x) * kdim;
      for (int ky = 0; ky < s->kh; ky++) {
        const int iy = y * s->stride + ky - s->pt;
        if (iy < 0 || iy >= s->h) continue;
        for (int kx = 0; kx < s->kw; kx++) {
          const int ix = x * s->stride + kx - s->pl;
          if (ix < 0 || ix >= s->w) continue;
          const float *src = col + ((int64_t)ky * s->kw + kx) * s->cin;
          float *dst = img + ((int64_t)iy * s->w + ix) * s->cin;
          for (int cc = 0; cc < s->cin; cc++) dst[cc] += src[cc];
        }
      }
    }
}

/* Output rows per im2col block so that a block's columns stay near 8 MB. */
static int block_rows(const conv_shape *s) {
  const int64_t per_row = (int64_t)s->wo * s->kh * s->kw * s->cin;
  int64_t rows = per_row > 0 ? (2 * 1024 * 1024) / per_row : s->ho;
  if (rows < 1) rows = 1;
  if (rows > s->ho) rows = s->ho;
  return (int)rows;
}

typedef enum { CONV_FORWARD, CONV_INPUT_GRAD, CONV_FILTER_GRAD } conv_mode;

typedef struct {
  const conv_shape *s;
  conv_mode mode;
  const float *x, *wt, *dy;
  float *out;
  float **scratch_a, **scratch_b; /* per thread */
  float *partial;                 /* filter gradient: per task, kh·kw·Cin·Cout */
  int rows, blocks_per_image;
} conv_job;

/* im2col task: (image, block of output rows) for the forward and filter gradient, or a whole
 * image for the input gradient (its blocks overlap by kh−1 input rows). */
static void gemm_conv_task(void *ctx, int64_t u, int thread) {
  const conv_job *j = (const conv_job *)ctx;
  const conv_shape *s = j->s;
  const int kdim = s->kh * s->kw * s->cin;
  const int64_t img_in = (int64_t)s->h * s->w * s->cin, img_out = (int64_t)s->ho * s->wo * s->cout;
  float *cols = j->scratch_a[thread];
  const int by_image = j->mode == CONV_INPUT_GRAD;
  const int64_t first = by_image ? u * j->blocks_per_image : u;
  const int64_t last = by_image ? first + j->blocks_per_image : u + 1;
  float *dwp = j->partial ? j->partial + u * (int64_t)kdim * s->cout : NULL;
  if (dwp) memset(dwp, 0, (size_t)kdim * s->cout * sizeof(float));
  for (int64_t t = first; t < last; t++) {
    const int64_t bi = t / j->blocks_per_image;
    const int y0 = (int)(t % j->blocks_per_image) * j->rows;
    const int y1 = y0 + j->rows < s->ho ? y0 + j->rows : s->ho;
    const int n = (y1 - y0) * s->wo;
    const int64_t out_off = bi * img_out + (int64_t)y0 * s->wo * s->cout;
    if (j->mode == CONV_FORWARD) {
      im2col_rows(s, j->x + bi * img_in, y0, y1, cols);
      ecamp_sgemm(0, 0, n, s->cout, kdim, 1.0f, cols, kdim, j->wt, s->cout, 0.0f, j->out + out_off, s->cout);
    } else if (j->mode == CONV_FILTER_GRAD) {
      im2col_rows(s, j->x + bi * img_in, y0, y1, cols);
      ecamp_sgemm(1, 0, kdim, s->cout, n, 1.0f, cols, kdim, j->dy + out_off, s->cout, 1.0f, dwp, s->cout);
    } else {
      ecamp_sgemm(0, 1, n, kdim, s->cout, 1.0f, j->dy + out_off, s->cout, j->wt, s->cout, 0.0f, cols, kdim);
      col2im_rows(s, cols, y0, y1, j->out + bi * img_in);
    }
  }
}

/* Few-channel task: one image. */
static void plane_conv_task(void *ctx, int64_t bi, int thread) {
  const conv_job *j = (const conv_job *)ctx;
  const conv_shape *s = j->s;
  const int hp = plane_h(s), wp = plane_w(s);
  const int64_t img_in = (int64_t)s->h * s->w * s->cin, img_out = (int64_t)s->ho * s->wo * s->cout;
  float *in_planes = j->scratch_a[thread], *out_planes = j->scratch_b[thread];
  if (j->mode == CONV_FORWARD) {
    to_planes(j->x + bi * img_in, s->h, s->w, s->cin, s->pt, s->pl, hp, wp, in_planes);
    stencil_forward(s, in_planes, j->wt, out_planes);
    from_planes(out_planes, s->ho, s->wo, s->cout, j->out + bi * img_out);
  } else if (j->mode == CONV_FILTER_GRAD) {
    float *dwp = j->partial + bi * (int64_t)s->kh * s->kw * s->cin * s->cout;
    memset(dwp, 0, (size_t)s->kh * s->kw * s->cin * s->cout * sizeof(float));
    to_planes(j->x + bi * img_in, s->h, s->w, s->cin, s->pt, s->pl, hp, wp, in_planes);
    to_planes(j->dy + bi * img_out, s->ho, s->wo, s->cout, 0, 0, s->ho, s->wo, out_planes);
    stencil_filter_grad(s, in_planes, out_planes, dwp);
  } else {
    to_planes(j->dy + bi * img_out, s->ho, s->wo, s->cout, 0, 0, s->ho, s->wo, out_planes);
    stencil_input_grad(s, out_planes, j->wt, in_planes);
    /* Interior of the padded gradient planes → NHWC (rows/cols outside the input drop). */
    float *img = j->out + bi * img_in;
    for (int y = 0; y < s->h; y++)
      for (int xx = 0; xx < s->w; xx++)
        for (int cc = 0; cc < s->cin; cc++) {
          const int py = y + s->pt, px = xx + s->pl;
          img[((int64_t)y * s->w + xx) * s->cin + cc] = (py < hp && px < wp) ? in_planes[((int64_t)cc * hp + py) * wp + px] : 0.0f;
        }
  }
}

/* Runs `mode` for the whole batch; per-task partial filter gradients are added in task order. */
static int conv_run(const conv_shape *s, conv_mode mode, const float *x, const float *wt, const float *dy, float *out) {
  const int planes = use_planes(s);
  const int threads = ecamp_pool_threads();
  const int64_t kdim = (int64_t)s->kh * s->kw * s->cin;
  conv_job j = {s, mode, x, wt, dy, out, NULL, NULL, NULL, 0, 1};
  int64_t units;
  size_t size_a, size_b = 0;
  if (planes) {
    const int cmax = s->cin > s->cout ? s->cin : s->cout;
    units = s->b;
    size_a = (size_t)cmax * plane_h(s) * plane_w(s);
    size_b = (size_t)cmax * s->ho * s->wo;
  } else {
    j.rows = block_rows(s);
    j.blocks_per_image = (s->ho + j.rows - 1) / j.rows;
    units = mode == CONV_INPUT_GRAD ? s->b : (int64_t)s->b * j.blocks_per_image;
    size_a = (size_t)j.rows * s->wo * kdim;
    if (mode == CONV_INPUT_GRAD) memset(out, 0, (size_t)s->b * s->h * s->w * s->cin * sizeof(float));
  }
  float *per_thread_a[256], *per_thread_b[256];
  int ok = threads <= 256;
  j.scratch_a = per_thread_a;
  j.scratch_b = per_thread_b;
  for (int t = 0; ok && t < threads; t++) {
    ok = (per_thread_a[t] = (float *)ecamp_scratch(t, ECAMP_SCRATCH_CONV_A, size_a * sizeof(float))) != NULL;
    per_thread_b[t] = NULL;
    if (ok && size_b) ok = (per_thread_b[t] = (float *)ecamp_scratch(t, ECAMP_SCRATCH_CONV_B, size_b * sizeof(float))) != NULL;
  }
  if (ok && mode == CONV_FILTER_GRAD) ok = (j.partial = (float *)malloc((size_t)units * kdim * s->cout * sizeof(float))) != NULL;
  if (ok) {
    const double work = (double)s->b * s->ho * s->wo * kdim * s->cout * 2;
    if (work < 32768) {
      for (int64_t u = 0; u < units; u++) (planes ? plane_conv_task : gemm_conv_task)(&j, u, 0);
    } else {
      ecamp_parallel(units, planes ? plane_conv_task : gemm_conv_task, &j);
    }
    if (mode == CONV_FILTER_GRAD) {
      const int64_t nw = kdim * s->cout;
      for (int64_t i = 0; i < nw; i++) {
        float acc = 0.0f;
        for (int64_t u = 0; u < units; u++) acc += j.partial[u * nw + i];
        out[i] = acc;
      }
    }
  }
  free(j.partial);
  return ok;
}

static napi_value run(napi_env env, napi_callback_info info, const char *fn, conv_mode mode) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, fn, 15)) return NULL;
  conv_shape s;
  if (!read_shape(&c, &s)) return NULL;
  const int64_t nx = (int64_t)s.b * s.h * s.w * s.cin, nw = (int64_t)s.kh * s.kw * s.cin * s.cout;
  const int64_t ny = (int64_t)s.b * s.ho * s.wo * s.cout;
  /* Arguments 13..15: the two inputs and the output of this mode. */
  const float *x = NULL, *wt = NULL, *dy = NULL;
  float *out = NULL;
  if (mode == CONV_FORWARD) {
    x = ecamp_f32(&c, 13, nx);
    wt = ecamp_f32(&c, 14, nw);
    out = ecamp_f32(&c, 15, ny);
  } else if (mode == CONV_INPUT_GRAD) {
    dy = ecamp_f32(&c, 13, ny);
    wt = ecamp_f32(&c, 14, nw);
    out = ecamp_f32(&c, 15, nx);
  } else {
    x = ecamp_f32(&c, 13, nx);
    dy = ecamp_f32(&c, 14, ny);
    out = ecamp_f32(&c, 15, nw);
  }
  if (c.failed) return NULL;
  if (!out || (mode != CONV_FORWARD && !dy) || (mode != CONV_FILTER_GRAD && !wt) || (mode != CONV_INPUT_GRAD && !x)) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  if (s.b == 0 || s.ho == 0 || s.wo == 0 || s.cin == 0 || s.cout == 0) {
    /* Nothing flows: zero the output. */
    memset(out, 0, (size_t)(mode == CONV_FORWARD ? ny : mode == CONV_INPUT_GRAD ? nx : nw) * sizeof(float));
    return ecamp_end(&c);
  }
  const int ok = conv_run(&s, mode, x, wt, dy, out);
  if (!ok) {
    ecamp_fail(&c, "out of memory");
    return NULL;
  }
  return ecamp_end(&c);
}

/* conv2d(heap, B, H, W, Cin, Ho, Wo, Cout, kh, kw, stride, padTop, padLeft, x, w, y) */
static napi_value js_conv2d(napi_env env, napi_callback_info info) { return run(env, info, "conv2d", CONV_FORWARD); }
/* conv2dInputGrad(heap, …shape…, dy, w, dx) */
static napi_value js_conv2d_input_grad(napi_env env, napi_callback_info info) {
  return run(env, info, "conv2dInputGrad", CONV_INPUT_GRAD);
}
/* conv2dFilterGrad(heap, …shape…, x, dy, dw) */
static napi_value js_conv2d_filter_grad(napi_env env, napi_callback_info info) {
  return run(env, info, "conv2dFilterGrad", CONV_FILTER_GRAD);
}

const ecamp_export ecamp_conv_exports[] = {
    {"conv2d", js_conv2d}, {"conv2dInputGrad", js_conv2d_input_grad}, {"conv2dFilterGrad", js_conv2d_filter_grad}, {NULL, NULL}};
