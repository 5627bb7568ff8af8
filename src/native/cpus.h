// Where the main thread and the greenlet threads run: on any CPU ("spread"), or
// all on the main thread's CPU ("shared"), where resuming a parked greenlet is a
// same-CPU context switch instead of a cross-CPU wake-up.
//
// The main thread changes the placement and moves itself at once; each greenlet
// thread follows the next time it takes the baton (one syscall per thread per
// change). Only the main thread writes the placement, and only while it holds
// the baton, so a thread that has just taken the baton reads a settled one.
#pragma once

#include <cstdint>

namespace tinyevent {
namespace cpus {

// Main thread. Returns false if the kernel refused (the placement is unchanged).
// `preferred` >= 0 shares the preferred-th CPU of the process (modulo their
// count: a cluster worker's own); otherwise the CPU the main thread is on.
bool SetShared(bool shared, int preferred = -1);
// Whether the placement is "shared" now (read by any thread).
bool Shared();
// The placement's generation, for threads made now (they inherit it).
uint32_t Generation();
// A thread holding the baton: moves it to the current placement if `generation`
// (the one it last followed) is stale, and updates `generation`.
void Follow(uint32_t* generation);
// Moves another thread, asleep and about to be woken, to the current placement
// (cheap while it sleeps; a running thread would have to be migrated), so that
// the kernel wakes it where it is to run.
void FollowSleeper(int tid, uint32_t* generation);
// Main thread, around the creation of a thread that must not inherit the pin (a
// worker thread): widen = true gives it every CPU of the process, false re-pins.
void Widen(bool widen);

}  // namespace cpus
}  // namespace tinyevent
