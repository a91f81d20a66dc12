/*
 * The thread pool every kernel runs on.
 *
 * Why not OpenMP: a fork/join region ends in a barrier that waits for every thread, so when
 * another process preempts one worker (two cores shared with anything else), each of the
 * ~700 parallel regions of a training step stalls for a scheduler time slice — measured 4×
 * slower than one thread. Here the calling thread claims tasks itself; workers claim what is
 * left; the caller only waits for tasks a worker has actually started. A worker that never
 * woke up costs nothing.
 *
 * Protocol: one 64-bit atomic word holds (generation << 32 | next task). A job's description
 * lives in slot generation & 1, written before the generation is published and rewritten only
 * two generations later, after every claimed task of this one has completed — so a worker that
 * claims a task with a successful compare-and-swap on (generation, index) always reads the
 * right job. Idle workers spin briefly, then sleep on a condition variable.
 */
#include "ecamp_native.h"

#include <cblas.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define MAX_THREADS 256
/* Spin iterations (~40 ns each) before an idle worker sleeps: ~0.2 ms. */
#define SPIN_ITERATIONS 5000

typedef struct {
  ecamp_task_fn fn;
  void *ctx;
  int64_t tasks;
  _Atomic int64_t done;
} job_slot;

static struct {
  int threads; /* including the caller */
  pthread_t workers[MAX_THREADS];
  _Atomic uint64_t state; /* generation << 32 | next task index */
  job_slot slots[2];
  pthread_mutex_t lock;
  pthread_cond_t wake;
  _Atomic int sleepers;
  _Atomic int shutdown;
  /* Held by the thread dispatching a job: a second JavaScript thread runs its work inline. */
  atomic_flag dispatching;
  int started;
} pool = {.threads = 1, .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER, .dispatching = ATOMIC_FLAG_INIT};

static _Thread_local int thread_index = 0;

int ecamp_thread_index(void) { return thread_index; }

/* Claims and runs tasks of generation `gen` until none are left; returns the number run. */
static int64_t run_tasks(uint32_t gen) {
  job_slot *slot = &pool.slots[gen & 1];
  int64_t ran = 0;
  for (;;) {
    uint64_t s = atomic_load_explicit(&pool.state, memory_order_acquire);
    if ((uint32_t)(s >> 32) != gen) return ran;
    const int64_t idx = (int64_t)(s & 0xffffffffu);
    if (idx >= slot->tasks) return ran;
    if (!atomic_compare_exchange_weak_explicit(&pool.state, &s, s + 1, memory_order_acq_rel, memory_order_relaxed)) continue;
    slot->fn(slot->ctx, idx, thread_index);
    atomic_fetch_add_explicit(&slot->done, 1, memory_order_release);
    ran++;
  }
}

static void *worker_main(void *arg) {
  thread_index = (int)(intptr_t)arg;
  /* OpenBLAS single-threaded in this thread too: the OpenMP build of OpenBLAS reads its thread
   * count from the calling thread's OpenMP settings, so a worker left at the default would start
   * a team of its own inside every call. */
  openblas_set_num_threads(1);
  uint32_t seen = (uint32_t)(atomic_load(&pool.state) >> 32);
  while (!atomic_load_explicit(&pool.shutdown, memory_order_relaxed)) {
    uint32_t gen = seen;
    for (int i = 0; i < SPIN_ITERATIONS; i++) {
      gen = (uint32_t)(atomic_load_explicit(&pool.state, memory_order_acquire) >> 32);
      if (gen != seen) break;
      CPU_RELAX();
    }
    if (gen == seen) {
      pthread_mutex_lock(&pool.lock);
      atomic_fetch_add(&pool.sleepers, 1);
      while (!atomic_load(&pool.shutdown) && (uint32_t)(atomic_load(&pool.state) >> 32) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
      atomic_fetch_sub(&pool.sleepers, 1);
      pthread_mutex_unlock(&pool.lock);
      gen = (uint32_t)(atomic_load_explicit(&pool.state, memory_order_acquire) >> 32);
    }
    /* Only this thread's own index decides its thread slot; tasks of any later generation are
     * claimed through the same protocol. */
    seen = gen;
    run_tasks(gen);
  }
  return NULL;
}

static void stop_workers(void) {
  if (!pool.started) return;
  atomic_store(&pool.shutdown, 1);
  pthread_mutex_lock(&pool.lock);
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
  for (int i = 1; i < pool.threads; i++) pthread_join(pool.workers[i], NULL);
  atomic_store(&pool.shutdown, 0);
  pool.started = 0;
}

int ecamp_pool_resize(int threads) {
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (pool.started && threads == pool.threads) return threads;
  stop_workers();
  pool.threads = threads;
  for (int i = 1; i < threads; i++) {
    if (pthread_create(&pool.workers[i], NULL, worker_main, (void *)(intptr_t)i) != 0) {
      /* Fewer threads than asked: keep the ones that started. */
      pool.threads = i;
      break;
    }
  }
  pool.started = 1;
  return pool.threads;
}

int ecamp_pool_threads(void) { return pool.threads; }

void ecamp_parallel(int64_t tasks, ecamp_task_fn fn, void *ctx) {
  if (tasks <= 0) return;
  if (tasks == 1 || pool.threads == 1) {
    for (int64_t i = 0; i < tasks; i++) fn(ctx, i, thread_index);
    return;
  }
  /* Re-entrant use (a task calling ecamp_parallel), or a second JavaScript thread (Node worker)
   * while the pool is busy, runs inline. */
  if (thread_index != 0 || atomic_flag_test_and_set_explicit(&pool.dispatching, memory_order_acquire)) {
    for (int64_t i = 0; i < tasks; i++) fn(ctx, i, thread_index);
    return;
  }
  const uint64_t s = atomic_load_explicit(&pool.state, memory_order_relaxed);
  const uint32_t gen = (uint32_t)(s >> 32) + 1;
  job_slot *slot = &pool.slots[gen & 1];
  slot->fn = fn;
  slot->ctx = ctx;
  slot->tasks = tasks;
  atomic_store_explicit(&slot->done, 0, memory_order_relaxed);
  atomic_store_explicit(&pool.state, (uint64_t)gen << 32, memory_order_release);
  if (atomic_load(&pool.sleepers) > 0) {
    pthread_mutex_lock(&pool.lock);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
  }
  int64_t done_here = run_tasks(gen);
  (void)done_here;
  /* Wait only for tasks a worker claimed and is still running. */
  int spins = 0;
  while (atomic_load_explicit(&slot->done, memory_order_acquire) < tasks) {
    if (++spins < 100000) CPU_RELAX();
    else sched_yield();
  }
  atomic_flag_clear_explicit(&pool.dispatching, memory_order_release);
}

/* ---------------------------------------------------------------------------------------------
 * Scratch memory: per thread and slot, kept between calls
 * ------------------------------------------------------------------------------------------- */

/* Large malloc/free pairs per call map and unmap pages: every call then page-faults its scratch
 * in again (and the faults serialise threads on the address-space lock). Buffers are kept and
 * only grown. The table belongs to the calling (JavaScript) thread, which hands buffer t to the
 * task running on pool thread t; a second JavaScript thread (a Node worker) has its own table.
 * Slots separate nested users (see ecamp_native.h). */
static _Thread_local struct {
  void *ptr;
  size_t size;
} scratch[MAX_THREADS][ECAMP_SCRATCH_SLOTS];

void *ecamp_scratch(int thread, int slot, size_t bytes) {
  if (thread < 0 || thread >= MAX_THREADS || slot < 0 || slot >= ECAMP_SCRATCH_SLOTS) return NULL;
  if (scratch[thread][slot].size < bytes) {
    free(scratch[thread][slot].ptr);
    /* 64-byte aligned, rounded up to 1 MB steps so slowly growing requests do not reallocate. */
    const size_t rounded = (bytes + ((size_t)1 << 20) - 1) & ~(((size_t)1 << 20) - 1);
    void *ptr = NULL;
    if (posix_memalign(&ptr, 64, rounded) != 0) {
      scratch[thread][slot].ptr = NULL;
      scratch[thread][slot].size = 0;
      return NULL;
    }
    scratch[thread][slot].ptr = ptr;
    scratch[thread][slot].size = rounded;
  }
  return scratch[thread][slot].ptr;
}

typedef struct {
  ecamp_range_fn fn;
  void *ctx;
  int64_t n, chunk;
} range_job;

static void range_task(void *vctx, int64_t task, int thread) {
  const range_job *j = (const range_job *)vctx;
  const int64_t lo = task * j->chunk;
  const int64_t hi = lo + j->chunk < j->n ? lo + j->chunk : j->n;
  if (lo < hi) j->fn(j->ctx, lo, hi, thread);
}

void ecamp_parallel_range(int64_t n, double cost_per_item, ecamp_range_fn fn, void *ctx) {
  if (n <= 0) return;
  /* Below ~32k operations a task handoff costs more than it saves. */
  const double total = (double)n * cost_per_item;
  if (pool.threads == 1 || total < 32768.0) {
    fn(ctx, 0, n, thread_index);
    return;
  }
  /* Four tasks per thread: a preempted worker holds back at most a quarter of its share. */
  int64_t tasks = 4 * (int64_t)pool.threads;
  const int64_t min_chunk = (int64_t)(8192.0 / (cost_per_item > 0 ? cost_per_item : 1)) + 1;
  int64_t chunk = (n + tasks - 1) / tasks;
  if (chunk < min_chunk) chunk = min_chunk;
  chunk = (chunk + 15) / 16 * 16;
  tasks = (n + chunk - 1) / chunk;
  range_job j = {fn, ctx, n, chunk};
  ecamp_parallel(tasks, range_task, &j);
}
