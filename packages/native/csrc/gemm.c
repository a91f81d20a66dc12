/*
 * Matrix products: OpenBLAS sgemm, single-threaded per call, parallelised here over matrices
 * of a batch and, when there are fewer matrices than threads, over row or column blocks.
 */
#include "ecamp_native.h"

#include <cblas.h>

void ecamp_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    /* An empty inner dimension: C = beta·C (sgemm would do the same; some builds reject k=0). */
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) c[(int64_t)i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[(int64_t)i * ldc + j];
    return;
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k,
              alpha, a, lda, b, ldb, beta, c, ldc);
}

/* One block of one product: rows [r0, r1) or columns [c0, c1) of C_i. */
typedef struct {
  int trans_a, trans_b, m, n, k, lda, ldb, ldc;
  float alpha, beta;
  const float *a;
  const float *b;
  float *c;
  int64_t stride_a, stride_b, stride_c;
} gemm_job;

static void run_block(const gemm_job *j, int i, int split_rows, int lo, int hi) {
  const float *a = j->a + (int64_t)i * j->stride_a;
  const float *b = j->b + (int64_t)i * j->stride_b;
  float *c = j->c + (int64_t)i * j->stride_c;
  if (hi <= lo) return;
  if (split_rows) {
    /* Rows lo..hi of op(A): stored row lo (A) or column lo (Aᵀ). */
    const float *ab = j->trans_a ? a + lo : a + (int64_t)lo * j->lda;
    ecamp_sgemm(j->trans_a, j->trans_b, hi - lo, j->n, j->k, j->alpha, ab, j->lda, b, j->ldb, j->beta,
                c + (int64_t)lo * j->ldc, j->ldc);
  } else {
    /* Columns lo..hi of op(B): stored column lo (B) or row lo (Bᵀ). */
    const float *bb = j->trans_b ? b + (int64_t)lo * j->ldb : b + lo;
    ecamp_sgemm(j->trans_a, j->trans_b, j->m, hi - lo, j->k, j->alpha, a, j->lda, bb, j->ldb, j->beta, c + lo, j->ldc);
  }
}

typedef struct {
  const gemm_job *job;
  int split_rows, chunk, blocks, extent;
} gemm_split;

static void whole_matrix_task(void *ctx, int64_t i, int thread) {
  (void)thread;
  const gemm_job *j = (const gemm_job *)ctx;
  run_block(j, (int)i, 1, 0, j->m);
}

static void block_task(void *ctx, int64_t t, int thread) {
  (void)thread;
  const gemm_split *s = (const gemm_split *)ctx;
  const int i = (int)(t / s->blocks);
  const int lo = (int)(t % s->blocks) * s->chunk;
  const int hi = lo + s->chunk < s->extent ? lo + s->chunk : s->extent;
  run_block(s->job, i, s->split_rows, lo, hi);
}

void ecamp_gemm_batched(int trans_a, int trans_b, int batch, int m, int n, int k, float alpha,
                        const float *a, int64_t stride_a, int lda, const float *b, int64_t stride_b,
                        int ldb, float beta, float *c, int64_t stride_c, int ldc) {
  if (batch <= 0 || m <= 0 || n <= 0) return;
  gemm_job j = {trans_a, trans_b, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, stride_a, stride_b, stride_c};
  const double flops = 2.0 * batch * (double)m * n * (k > 0 ? k : 1);
  const int threads = flops < 2.0e5 ? 1 : ecamp_pool_threads();
  if (threads == 1) {
    for (int i = 0; i < batch; i++) run_block(&j, i, 1, 0, m);
    return;
  }
  if (batch >= 2 * threads) {
    /* Whole matrices as tasks: claimed dynamically, so an odd count balances itself. */
    ecamp_parallel(batch, whole_matrix_task, &j);
    return;
  }
  /* Each matrix split along its longer side into about 2 blocks per thread (rows of 8 or columns
   * of 16, so blocks stay efficient for OpenBLAS's micro-kernels). */
  const int split_rows = m >= n;
  const int extent = split_rows ? m : n;
  const int align = split_rows ? 8 : 16;
  const int want = (2 * threads + batch - 1) / batch;
  int chunk = (extent + want - 1) / want;
  chunk = (chunk + align - 1) / align * align;
  gemm_split s = {&j, split_rows, chunk, (extent + chunk - 1) / chunk, extent};
  ecamp_parallel((int64_t)batch * s.blocks, block_task, &s);
}

/* Elements spanned by `batch` matrices of `rows`×`cols` (leading dimension ld) at `stride`. */
static int64_t span(int batch, int64_t stride, int rows, int cols, int ld) {
  if (rows <= 0 || cols <= 0 || batch <= 0) return 0;
  return (int64_t)(batch - 1) * stride + (int64_t)(rows - 1) * ld + cols;
}

/*
 * gemm(heap, transA, transB, batch, m, n, k, alpha, aOff, strideA, lda, bOff, strideB, ldb,
 *      beta, cOff, strideC, ldc): row-major batched C = alpha·op(A)·op(B) + beta·C; byte offsets,
 *      strides and leading dimensions in elements.
 */
static napi_value js_gemm(napi_env env, napi_callback_info info) {
  ecamp_call c;
  if (!ecamp_begin(env, info, &c, "gemm", 17)) return NULL;
  const int ta = (int)ecamp_int(&c, 1), tb = (int)ecamp_int(&c, 2);
  const int batch = (int)ecamp_int(&c, 3), m = (int)ecamp_int(&c, 4), n = (int)ecamp_int(&c, 5), k = (int)ecamp_int(&c, 6);
  const float alpha = (float)ecamp_num(&c, 7);
  const int64_t sa = ecamp_int(&c, 9), sb = ecamp_int(&c, 12), sc = ecamp_int(&c, 16);
  const int lda = (int)ecamp_int(&c, 10), ldb = (int)ecamp_int(&c, 13), ldc = (int)ecamp_int(&c, 17);
  const float beta = (float)ecamp_num(&c, 14);
  if (c.failed) return NULL;
  if (batch < 0 || m < 0 || n < 0 || k < 0 || sa < 0 || sb < 0 || sc < 0) {
    ecamp_fail(&c, "negative size or stride");
    return NULL;
  }
  if (lda < (ta ? (m > 1 ? m : 1) : (k > 1 ? k : 1)) || ldb < (tb ? (k > 1 ? k : 1) : (n > 1 ? n : 1)) || ldc < (n > 1 ? n : 1)) {
    ecamp_fail(&c, "leading dimension smaller than the matrix");
    return NULL;
  }
  const float *a = ecamp_f32(&c, 8, ta ? span(batch, sa, k, m, lda) : span(batch, sa, m, k, lda));
  const float *b = ecamp_f32(&c, 11, tb ? span(batch, sb, n, k, ldb) : span(batch, sb, k, n, ldb));
  float *out = ecamp_f32(&c, 15, span(batch, sc, m, n, ldc));
  if (c.failed) return NULL;
  if (batch > 0 && m > 0 && n > 0 && (out == NULL || (k > 0 && (a == NULL || b == NULL)))) {
    ecamp_fail(&c, "missing operand");
    return NULL;
  }
  ecamp_gemm_batched(ta, tb, batch, m, n, k, alpha, a, sa, lda, b, sb, ldb, beta, out, sc, ldc);
  return ecamp_end(&c);
}

const ecamp_export ecamp_gemm_exports[] = {{"gemm", js_gemm}, {NULL, NULL}};
