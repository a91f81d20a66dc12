/*
 * N-API entry point: argument checking shared by every kernel, thread control, build info.
 */
#include "ecamp_native.h"

#include <cblas.h>
#include <stdio.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------
 * Argument handling
 * ------------------------------------------------------------------------------------------- */

void ecamp_fail(ecamp_call *c, const char *msg) {
  if (c->failed) return;
  c->failed = 1;
  char buf[512];
  snprintf(buf, sizeof buf, "ecamp-native %s: %s", c->fn, msg);
  napi_throw_error(c->env, NULL, buf);
}

int ecamp_begin(napi_env env, napi_callback_info info, ecamp_call *c, const char *fn, size_t nargs) {
  c->env = env;
  c->fn = fn;
  c->failed = 0;
  c->argc = ECAMP_MAX_ARGS;
  c->heap = NULL;
  c->heap_len = 0;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok) {
    ecamp_fail(c, "cannot read arguments");
    return 0;
  }
  if (c->argc != nargs + 1) {
    char msg[128];
    snprintf(msg, sizeof msg, "expected the heap and %zu numbers, got %zu arguments", nargs, c->argc);
    ecamp_fail(c, msg);
    return 0;
  }
  bool is_ab = false;
  napi_is_arraybuffer(env, c->argv[0], &is_ab);
  if (!is_ab) {
    ecamp_fail(c, "argument 0 must be the wasm heap's ArrayBuffer");
    return 0;
  }
  void *data = NULL;
  if (napi_get_arraybuffer_info(env, c->argv[0], &data, &c->heap_len) != napi_ok) {
    ecamp_fail(c, "cannot read the heap ArrayBuffer");
    return 0;
  }
  c->heap = (uint8_t *)data;
  return 1;
}

/* Throws "argument i must be <what>". */
static void fail_arg(ecamp_call *c, size_t i, const char *what) {
  char msg[64];
  snprintf(msg, sizeof msg, "argument %zu must be %s", i, what);
  ecamp_fail(c, msg);
}

double ecamp_num(ecamp_call *c, size_t i) {
  double v = 0;
  if (c->failed) return 0;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok) fail_arg(c, i, "a number");
  return v;
}

int64_t ecamp_int(ecamp_call *c, size_t i) {
  int64_t v = 0;
  if (c->failed) return 0;
  if (napi_get_value_int64(c->env, c->argv[i], &v) != napi_ok) fail_arg(c, i, "an integer");
  return v;
}

static void *checked_ptr(ecamp_call *c, size_t i, int64_t count, size_t elem) {
  int64_t off = ecamp_int(c, i);
  if (c->failed || off < 0) return NULL;
  if (count < 0 || (off & 3) != 0 || (uint64_t)off + (uint64_t)count * elem > c->heap_len) {
    char msg[160];
    snprintf(msg, sizeof msg, "argument %zu: %lld values at byte offset %lld fall outside the %zu-byte heap",
             i, (long long)count, (long long)off, c->heap_len);
    ecamp_fail(c, msg);
    return NULL;
  }
  return c->heap + off;
}

float *ecamp_f32(ecamp_call *c, size_t i, int64_t count) { return (float *)checked_ptr(c, i, count, 4); }
int32_t *ecamp_i32(ecamp_call *c, size_t i, int64_t count) { return (int32_t *)checked_ptr(c, i, count, 4); }

double *ecamp_f64_array(ecamp_call *c, size_t i, size_t *len) {
  if (c->failed) return NULL;
  bool is_ta = false;
  napi_is_typedarray(c->env, c->argv[i], &is_ta);
  napi_typedarray_type type;
  void *data = NULL;
  napi_value ab;
  size_t offset = 0;
  if (!is_ta || napi_get_typedarray_info(c->env, c->argv[i], &type, len, &data, &ab, &offset) != napi_ok || type != napi_float64_array) {
    fail_arg(c, i, "a Float64Array");
    return NULL;
  }
  return (double *)data;
}

int ecamp_check_indices(ecamp_call *c, const int32_t *idx, int64_t count, int32_t min, int64_t limit, const char *fmt) {
  for (int64_t k = 0; k < count; k++) {
    if (idx[k] < min || idx[k] >= limit) {
      char msg[128];
      snprintf(msg, sizeof msg, fmt, idx[k], (long long)k, (long long)limit);
      ecamp_fail(c, msg);
      return 0;
    }
  }
  return 1;
}

napi_value ecamp_end(ecamp_call *c) {
  if (c->failed) return NULL;
  napi_value undef;
  napi_get_undefined(c->env, &undef);
  return undef;
}

/* ---------------------------------------------------------------------------------------------
 * Threads and build information
 * ------------------------------------------------------------------------------------------- */

/* setThreads(n): the pool size for every later call (OpenBLAS itself stays single-threaded). */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t n = 0;
  if (argc != 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1 || n > 256) {
    napi_throw_range_error(env, NULL, "ecamp-native setThreads: expected an integer in 1..256");
    return NULL;
  }
  ecamp_pool_resize(n);
  openblas_set_num_threads(1);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

static void set_prop_str(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

static void set_prop_int(napi_env env, napi_value obj, const char *key, int value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

/* info(): { blas, blasConfig, blasCore, threads, maxThreads } */
static napi_value get_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj;
  napi_create_object(env, &obj);
  set_prop_str(env, obj, "blas", "openblas");
  set_prop_str(env, obj, "blasConfig", openblas_get_config());
  set_prop_str(env, obj, "blasCore", openblas_get_corename());
  set_prop_int(env, obj, "threads", ecamp_pool_threads());
  set_prop_int(env, obj, "maxThreads", (int)sysconf(_SC_NPROCESSORS_ONLN));
  return obj;
}

static void add_exports(napi_env env, napi_value exports, const ecamp_export *table) {
  for (; table->name != NULL; table++) {
    napi_value fn;
    napi_create_function(env, table->name, NAPI_AUTO_LENGTH, table->fn, NULL, &fn);
    napi_set_named_property(env, exports, table->name, fn);
  }
}

NAPI_MODULE_INIT() {
  /* Until setThreads is called: one thread per online processor; OpenBLAS single-threaded inside
   * our tasks. The pool is per process: a second context (a Node worker) reuses it. */
  if (ecamp_pool_threads() == 1) ecamp_pool_resize((int)sysconf(_SC_NPROCESSORS_ONLN));
  openblas_set_num_threads(1);
  static const ecamp_export own[] = {{"setThreads", set_threads}, {"info", get_info}, {NULL, NULL}};
  add_exports(env, exports, own);
  add_exports(env, exports, ecamp_gemm_exports);
  add_exports(env, exports, ecamp_fused_exports);
  add_exports(env, exports, ecamp_attention_exports);
  add_exports(env, exports, ecamp_conv_exports);
  add_exports(env, exports, ecamp_memory_exports);
  add_exports(env, exports, ecamp_elementwise_exports);
  add_exports(env, exports, ecamp_block_exports);
  return exports;
}
