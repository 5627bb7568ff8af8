// The baton hand-off: one thread gives, one parked thread takes.
//
// A waiter first spins (bounded, adaptive) so that ping-pong switches cost about
// a microsecond, then sleeps on a futex so that a parked greenlet costs no CPU.
// Give() is a release, Take() an acquire: everything the giver wrote (V8 heap,
// libuv structures) is visible to the taker.
#pragma once

#include <atomic>
#include <cstdint>
#include <linux/futex.h>
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

class Baton {
 public:
  // Spin budget bounds, in relax iterations (a pause is ~10-140 cycles).
  static constexpr uint32_t kMinSpin = 64;
  static constexpr uint32_t kMaxSpin = 20000;

  void Give() {
    if (word_.exchange(kGiven, std::memory_order_release) == kSleeping) {
      syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
  }

  // Blocks until Give(). `spin_scale` lets idle pool threads spin less than
  // threads parked mid-switch.
  void Take(uint32_t spin_divisor = 1) {
    const uint32_t budget = spin_ / spin_divisor;
    g_spinner.store(this, std::memory_order_relaxed);
    for (uint32_t i = 0; i < budget; i++) {
      if ((i & 63) == 63 && g_spinner.load(std::memory_order_relaxed) != this) break;
      if (word_.load(std::memory_order_acquire) == kGiven) {
        word_.store(kEmpty, std::memory_order_relaxed);
        // Caught it while spinning: spinning pays here, allow more of it.
        if (spin_ < kMaxSpin) spin_ = spin_ * 2 > kMaxSpin ? kMaxSpin : spin_ * 2;
        return;
      }
      CpuRelax();
    }
    uint32_t expected = kEmpty;
    if (word_.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) {
      while (word_.load(std::memory_order_acquire) != kGiven) {
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAIT_PRIVATE, kSleeping, nullptr, nullptr, 0);
      }
      // Slept: the partner is slow to answer, so spinning wasted a core.
      spin_ = spin_ / 2 < kMinSpin ? kMinSpin : spin_ / 2;
    }
    word_.store(kEmpty, std::memory_order_relaxed);
  }

 private:
  static constexpr uint32_t kEmpty = 0, kGiven = 1, kSleeping = 2;
  std::atomic<uint32_t> word_{kEmpty};
  uint32_t spin_ = 4096;  // touched only by the owning (taking) thread
};

}  // namespace tinyevent
