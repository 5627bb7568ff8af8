// The baton hand-off: one thread gives, one parked thread takes.
//
// A waiter first spins (bounded, adaptive) so that ping-pong switches cost about
// a microsecond, then sleeps on a futex so that a parked greenlet costs no CPU.
// Give() is a release, Take() an acquire: everything the giver wrote (V8 heap,
// libuv structures) is visible to the taker.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tinyevent {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class Baton;

// The most recent thread to park. Only it spins: on two cores, one running
// thread plus one spinner is all that fits, and the latest parker is the one
// most likely to be switched back to (ping-pong); older parkers go to sleep.
inline std::atomic<const Baton*> g_spinner{nullptr};
// How many threads are polling with sched_yield right now.
inline std::atomic<uint32_t> g_yielders{0};
// Until when (steady-clock ns) other processes are known to want our CPUs: a
// sched_yield then hands the core to one of them for a whole time slice
// (milliseconds), so a thread waiting for a woken partner pause-spins instead.
inline std::atomic<int64_t> g_contended_until{0};
// A sched_yield that takes longer than this ran somebody else's time slice.
inline constexpr int64_t kContendedYieldNs = 500 * 1000;
// How long one such yield keeps yielding off.
inline constexpr int64_t kContendedForNs = 50 * 1000 * 1000;

inline int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline bool Contended() { return SteadyNs() < g_contended_until.load(std::memory_order_relaxed); }

// Yields the core; false if that let another process run for a time slice
// (contention noted: stop yielding, spin or sleep instead).
inline bool YieldCore() {
  const int64_t before = SteadyNs();
  sched_yield();
  const int64_t after = SteadyNs();
  if (after - before < kContendedYieldNs) return true;
  g_contended_until.store(after + kContendedForNs, std::memory_order_relaxed);
  return false;
}

// Set when every greenlet thread shares the main thread's CPU (cpus.h): spinning
// there only delays the thread being woken, so takers sleep at once.
inline std::atomic<bool> g_same_cpu{false};

// Nanoseconds per CpuRelax() on this CPU (a pause takes from ~3 to ~40 ns
// depending on the model), measured once: spin floors are set in time.
inline double RelaxNanos() {
  static const double nanos = [] {
    const int64_t start = SteadyNs();
    for (int i = 0; i < 2000; i++) CpuRelax();
    const double ns = static_cast<double>(SteadyNs() - start) / 2000;
    return ns < 1 ? 1 : ns;
  }();
  return nanos;
}

class Baton {
 public:
  // Spin budget bounds, in relax iterations (a pause is ~10-140 cycles).
  static constexpr uint32_t kMinSpin = 64;
  static constexpr uint32_t kMaxSpin = 20000;
  // Yielding polls after the spin (a sched_yield is ~0.5-1 µs).
  static constexpr uint32_t kYieldRounds = 64;
  static constexpr uint32_t kMinYieldRounds = 4;
  // A futex sleep shorter than this would have been cheaper as a spin.
  static constexpr std::chrono::microseconds kShortSleep{100};

  // Makes this baton's taker spin `us` microseconds each time, instead of the
  // adaptive budget, before it yields or sleeps.
  void SetFixedSpin(uint32_t us) {
    const double relaxes = us * 1000.0 / RelaxNanos();
    fixed_spin_ = relaxes > kMaxSpin ? kMaxSpin : relaxes < 1 ? 1 : static_cast<uint32_t>(relaxes);
  }

  // Whether the taker is asleep in the kernel right now (a hint: it may be about to).
  bool Asleep() const { return word_.load(std::memory_order_acquire) == kSleeping; }

  // Returns true if the taker was asleep (and is now being woken by the kernel).
  bool Give() {
    if (word_.exchange(kGiven, std::memory_order_release) != kSleeping) return false;
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    return true;
  }

  // Blocks until Give(). Three phases: the latest parker spins on the CPU
  // (a ping-pong partner answers within a microsecond or two); then any parker
  // polls while yielding its core, for a short while, because on a 2-core box
  // the thread switched to next is often one that parked a few switches ago;
  // then it sleeps on the futex. `spin_divisor` scales the first two phases
  // (0: sleep at once). `partner_waking`: the thread this one just handed the
  // baton to is being woken (or started) by the kernel, which often queues it
  // on this very CPU, where a pause loop would keep it waiting: the spin then
  // yields the core between polls.
  void Take(uint32_t spin_divisor = 1, bool partner_waking = false) {
    if (spin_divisor != 0 && !g_same_cpu.load(std::memory_order_relaxed)) {
      const uint32_t budget = fixed_spin_ != 0 ? fixed_spin_ : spin_ / spin_divisor;
      g_spinner.store(this, std::memory_order_relaxed);
      if (partner_waking && !Contended()) {
        if (YieldSpin(budget)) return;
      } else {
        for (uint32_t i = 0; i < budget; i++) {
          if ((i & 63) == 63 && g_spinner.load(std::memory_order_relaxed) != this) break;
          if (TryConsume()) {
            Caught();
            return;
          }
          CpuRelax();
        }
      }
      if (YieldPoll(yield_ / spin_divisor)) return;
    }
    uint32_t expected = kEmpty;
    if (word_.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) {
      const auto slept_at = std::chrono::steady_clock::now();
      while (word_.load(std::memory_order_acquire) != kGiven) {
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAIT_PRIVATE, kSleeping, nullptr, nullptr, 0);
      }
      // For a pooled thread, a short sleep means the next spawn came soon after
      // and a longer spin would have caught it (saving the kernel wake-up). For a
      // parked greenlet, or the Hub, a wait is long whatever it ends up being, and
      // spinning would only take a core from the thread that is starting up.
      if (spin_divisor > 1 && std::chrono::steady_clock::now() - slept_at < kShortSleep) {
        spin_ = spin_ * 2 > kMaxSpin ? kMaxSpin : spin_ * 2;
        yield_ = yield_ * 2 > kYieldRounds ? kYieldRounds : yield_ * 2;
      } else {
        spin_ = spin_ / 2 < kMinSpin ? kMinSpin : spin_ / 2;
      }
    }
    word_.store(kEmpty, std::memory_order_relaxed);
  }

 private:
  static constexpr uint32_t kEmpty = 0, kGiven = 1, kSleeping = 2;
  static constexpr uint32_t kMaxYielders = 2;

  // Polls while yielding the core, at most `rounds` times; only a couple of
  // threads may do so at once, and each learns whether it pays: a thread that
  // keeps ending up asleep (parked for long, e.g. in a burst of sleeps) stops.
  bool YieldPoll(uint32_t rounds) {
    if (rounds == 0) return false;
    if (g_yielders.fetch_add(1, std::memory_order_relaxed) >= kMaxYielders) {
      g_yielders.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    bool got = false;
    for (uint32_t i = 0; i < rounds && !got; i++) {
      got = TryConsume();
      if (!got) sched_yield();
    }
    g_yielders.fetch_sub(1, std::memory_order_relaxed);
    if (got) {
      yield_ = yield_ * 2 > kYieldRounds ? kYieldRounds : yield_ * 2;
    } else {
      yield_ = yield_ / 2 < kMinYieldRounds ? kMinYieldRounds : yield_ / 2;
    }
    return got;
  }

  // Caught the baton while spinning: spinning pays here, allow more of it.
  void Caught() { spin_ = spin_ * 2 > kMaxSpin ? kMaxSpin : spin_ * 2; }

  // Polls, yielding the core between polls, for as long as `relaxes` pauses take.
  bool YieldSpin(uint32_t relaxes) {
    const int64_t until = SteadyNs() + static_cast<int64_t>(relaxes * RelaxNanos());
    do {
      if (TryConsume()) {
        Caught();
        return true;
      }
      if (!YieldCore()) return TryConsume();
    } while (SteadyNs() < until);
    return false;
  }

  bool TryConsume() {
    if (word_.load(std::memory_order_acquire) != kGiven) return false;
    word_.store(kEmpty, std::memory_order_relaxed);
    return true;
  }

  std::atomic<uint32_t> word_{kEmpty};
  uint32_t fixed_spin_ = 0;  // relaxes per spin phase when not adaptive (the Hub)
  uint32_t spin_ = 4096;   // touched only by the owning (taking) thread
  uint32_t yield_ = 16;    // likewise
};

}  // namespace tinyevent
