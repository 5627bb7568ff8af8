// The kernel's part of a greenlet switch in tinyevent: N threads in a ring,
// each waking the next through a futex and sleeping on its own, all pinned to
// one CPU (tinyevent's shared placement) or free to run anywhere. Prints one
// JSON line: microseconds per hand-off, N and whether pinned.
//   cc -O2 -pthread floor.c -o floor && ./floor THREADS ROUNDS PIN(0|1)
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { kStride = 16 };  // one futex word per cache line
static int threads, rounds, pin;
static _Atomic unsigned* words;

static void take(_Atomic unsigned* w) {
  while (atomic_load(w) == 0) syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  atomic_store(w, 0);
}

static void give(_Atomic unsigned* w) {
  atomic_store(w, 1);
  syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void* body(void* arg) {
  const long i = (long)arg;
  for (int r = 0; r < rounds; r++) {
    take(&words[i * kStride]);
    give(&words[((i + 1) % threads) * kStride]);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  threads = atoi(argv[1]);
  rounds = atoi(argv[2]);
  pin = atoi(argv[3]);
  if (threads < 2 || rounds < 1) return 2;
  if (pin) {  // threads inherit the mask
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(sched_getcpu(), &set);
    sched_setaffinity(0, sizeof set, &set);
  }
  words = calloc((size_t)threads * kStride, sizeof *words);
  pthread_t* t = calloc((size_t)threads, sizeof *t);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  for (long i = 0; i < threads; i++) pthread_create(&t[i], &attr, body, (void*)i);
  usleep(100 * 1000);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  give(&words[0]);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  const double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3;
  printf("{\"threads\": %d, \"pinned\": %d, \"us\": %.3f}\n", threads, pin, us / ((double)threads * rounds));
  return 0;
}
