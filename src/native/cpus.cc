#include "cpus.h"

#include <atomic>
#include <pthread.h>
#include <sched.h>

#include "baton.h"

namespace tinyevent {
namespace cpus {

namespace {
cpu_set_t g_process_cpus;  // the process's mask before any pin; restored in forked children
bool g_saved = false;
cpu_set_t g_mask;          // what threads follow: g_process_cpus, or the main thread's CPU
std::atomic<uint32_t> g_generation{0};

void RestoreCpusInChild() { sched_setaffinity(0, sizeof g_process_cpus, &g_process_cpus); }

bool SaveProcessCpus() {
  if (g_saved) return true;
  if (sched_getaffinity(0, sizeof g_process_cpus, &g_process_cpus) != 0) return false;
  // Child processes must not inherit a pin (a `make -j8` would run on one CPU);
  // fork() may run on any thread, so the handler resets the child's mask.
  pthread_atfork(nullptr, nullptr, RestoreCpusInChild);
  g_mask = g_process_cpus;
  g_saved = true;
  return true;
}
}  // namespace

// The n-th CPU (modulo their count) of the process's mask, or -1.
int NthProcessCpu(int n) {
  const int count = CPU_COUNT(&g_process_cpus);
  if (count == 0) return -1;
  n %= count;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (CPU_ISSET(cpu, &g_process_cpus) && n-- == 0) return cpu;
  }
  return -1;
}

bool SetShared(bool shared, int preferred) {
  if (shared == Shared()) return true;
  if (!SaveProcessCpus()) return false;
  cpu_set_t mask = g_process_cpus;
  if (shared) {
    const int cpu = preferred >= 0 ? NthProcessCpu(preferred) : sched_getcpu();
    if (cpu < 0) return false;
    CPU_ZERO(&mask);
    CPU_SET(cpu, &mask);
  }
  if (sched_setaffinity(0, sizeof mask, &mask) != 0) return false;
  g_mask = mask;
  g_generation.fetch_add(1, std::memory_order_relaxed);
  g_same_cpu.store(shared, std::memory_order_relaxed);
  return true;
}

bool Shared() { return g_same_cpu.load(std::memory_order_relaxed); }

uint32_t Generation() { return g_generation.load(std::memory_order_relaxed); }

void Follow(uint32_t* generation) {
  const uint32_t now = Generation();
  if (*generation == now) return;
  sched_setaffinity(0, sizeof g_mask, &g_mask);
  *generation = now;
}

void FollowSleeper(int tid, uint32_t* generation) {
  const uint32_t now = Generation();
  if (*generation == now || tid == 0) return;
  sched_setaffinity(tid, sizeof g_mask, &g_mask);
  *generation = now;
}

void Widen(bool widen) {
  if (!Shared()) return;
  sched_setaffinity(0, sizeof(cpu_set_t), widen ? &g_process_cpus : &g_mask);
}

}  // namespace cpus
}  // namespace tinyevent
