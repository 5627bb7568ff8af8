// The engine: greenlet threads that take turns in the one V8 isolate.
//
// Exactly one thread holds the baton (and V8's isolate lock) at a time. All
// engine state is touched only by the baton holder, so it needs no mutex: every
// hand-off goes through Baton, which orders memory.
#pragma once

#include <node.h>
#include <uv.h>
#include <v8.h>

#include <cstdint>
#include <memory>
#include <pthread.h>
#include <vector>

#include "baton.h"
#include "v8compat.h"

namespace tinyevent {

class Engine;

// One OS thread that serves as the stack of one greenlet at a time. Slot 0 is
// the main thread (the Hub and the root greenlet) and has no thread of its own.
struct Greenthread {
  int id = 0;
  Engine* engine = nullptr;
  Baton baton;
  pthread_t thread{};
  bool has_thread = false;
  uintptr_t stack_low = 0;           // lowest usable address of this thread's stack
  v8::Global<v8::Function> body;     // JS entry, set while assigned and not started
  bool assigned = false;             // holds a greenlet (started or not)
  bool started = false;              // its body is on the stack
  bool kill = false;                 // forced unwind requested (teardown)
  bool quit = false;                 // leave the thread loop
  bool ran = false;                  // has taken the baton (its own thread writes it)
  bool started_once = false;         // has been given the baton (the giver writes it)
  uint32_t cpu_generation = 0;       // the CPU placement it follows (cpus.h)
  int tid = 0;                       // its kernel thread id (0 until it has started)
  int return_to = 0;                 // who gets the baton after a forced unwind
  std::atomic<int64_t> parked_at{0}; // when it last parked (steady ns; written by itself before it parks)
};

class Engine {
 public:
  Engine(v8::Isolate* isolate, v8::Local<v8::Context> context, uv_loop_t* loop, v8::Local<v8::Function> drain,
         v8::Local<v8::Function> on_timer, v8::Local<v8::Function> on_hub);
  ~Engine() = default;

  // Each method below runs on the baton holder, with the isolate locked.
  int Assign(v8::Local<v8::Function> body, const char** error);  // -1 on failure
  // `patient`: the caller parks until a timer at least a millisecond away (or a
  // kill), so spinning for the baton cannot pay.
  void SwitchTo(int target, bool patient);
  void Terminate(int id);                 // main thread only
  bool RunOnce();                         // main thread only: one turn of the loop
  void Stop() { uv_stop(loop_); }
  // The Hub's own timer (one uv timer; the JS side keeps the heap of deadlines).
  // Node's timer list does not fire while a timer callback runs, and the root
  // greenlet may block inside one; this timer still fires. ms < 0 stops it.
  void ArmTimer(double ms);
  // Runs on_hub once on the next turn of the loop (an idle handle: the poll does
  // not wait while it is armed). Not an immediate: a root greenlet may block
  // inside one, and Node's immediate queue breaks when a nested turn runs it.
  void ArmHub();
  bool LoopAlive() const { return uv_loop_alive(loop_) != 0; }
  // Milliseconds the loop has waited in its poll (Node turns the metric on).
  double LoopIdleMs() const { return static_cast<double>(uv_metrics_idle_time(loop_)) / 1e6; }
  void Shutdown();                        // env cleanup: unwind and join everything

  bool ValidTarget(int id) const;
  int current() const { return current_; }
  // A thread made ahead (and not yet adopted) counts: it exists, idle.
  size_t threads() const { return slots_.size() - 1 + MadeAhead(); }
  size_t idle() const { return idle_.size() + MadeAhead(); }
  size_t started() const { return started_; }
  // Hand-offs of the baton, and how many of them woke a thread asleep in the kernel.
  double switches() const { return counts_[kSwitches]; }
  double sleeper_wakes() const { return counts_[kSleeperWakes]; }
  // Hand-offs to a thread that had parked less than kBriefParkNs before (a spinner would have caught it).
  double brief_handoffs() const { return counts_[kBriefHandoffs]; }
  // The counters above, and the threads made, from now on kept in `store` (a
  // Float64Array's memory) too, so JavaScript reads them without a call.
  enum Count { kSwitches, kSleeperWakes, kBriefHandoffs, kThreadsMade, kCountCount };
  void ShareCounts(std::shared_ptr<v8::BackingStore> store);
  void set_stack_size(size_t bytes) { stack_size_ = bytes; }
  size_t stack_size() const { return stack_size_; }
  void FailNextThreadCreate() { fail_next_create_ = true; }
  // From now on each park keeps its thread's async context frame (v8compat::AsyncFrame).
  void KeepAsyncFrames();
  // A worker's engine: its root always blocks inside an async callback (its
  // port's, which runs the main script). From now on each root turn first runs
  // the pending async handles that callback hides (RunHiddenAsyncs), and a stop
  // that lands in Node's immediates during a root turn ends the worker instead
  // of the process (SurviveStopInTurn).
  void InWorker();
  bool closing() const { return closing_; }

 private:
  static void* ThreadMain(void* arg);
  static void OnPrepare(uv_prepare_t* handle);
  // Inside RunOnce, a termination (worker.terminate, process.exit in a worker)
  // must not reach Node's own callbacks below a JS frame: it is taken off here
  // and raised again when RunOnce returns to JavaScript.
  void DeferTermination();
  void RunHiddenAsyncs();
  static void SurviveStopInTurn(const char* location, const char* message);
#ifdef TINYEVENT_HAS_CONTINUATION_DATA
  // Keep the async context frame off its slot during a GC (see KeepAsyncFrames).
  static void OnGcPrologue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);
  static void OnGcEpilogue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);
#endif
  bool EnvironmentStopping();
  static void OnTimer(uv_timer_t* handle);
  static void OnIdle(uv_idle_t* handle);
  int RunBody(Greenthread* self);
  void Park(Greenthread* self, Greenthread* target, bool patient);
  // Gives `target` the baton; true if it was asleep.
  bool HandOff(Greenthread* target);
  int CreateThread(Greenthread* g);  // pthread_create's result
  void MakeThreadAhead();             // any thread, inside Park, without the baton
  void AdoptThreadAhead();            // the baton holder
  size_t MadeAhead() const { return ahead_.load(std::memory_order_acquire) != nullptr ? 1 : 0; }

  v8::Isolate* isolate_;
  uv_loop_t* loop_;
  v8::Global<v8::Context> context_;
  v8::Global<v8::Function> drain_;   // runs nextTicks and microtasks inside RunOnce
  uv_prepare_t prepare_;
  v8::Global<v8::Function> probe_;   // an empty JS function, for EnvironmentStopping
  uv_timer_t timer_;
  bool timer_armed_ = false;  // started and its callback not yet run
  v8::Global<v8::Function> on_timer_;  // runs due Hub timers
  uv_idle_t idle_handle_;
  v8::Global<v8::Function> on_hub_;    // runs the Hub's queue
  std::vector<std::unique_ptr<Greenthread>> slots_;
  std::vector<int> idle_;            // LIFO: the most recently used thread is warmest
  int current_ = 0;
  size_t stack_size_;
  bool fail_next_create_ = false;
  bool closing_ = false;
  bool terminate_pending_ = false;   // a foreign TerminateExecution hit a greenlet
  bool async_frames_ = false;        // async context frames are in use (KeepAsyncFrames)
#ifdef TINYEVENT_HAS_CONTINUATION_DATA
  v8compat::ContinuationGlobal gc_frame_;  // the frame kept off its slot during a GC (OnGcPrologue)
#endif
  bool in_worker_ = false;            // see InWorker
  bool make_ahead_ = false;           // the pool ran dry at the last Assign
  // Made by MakeThreadAhead (by a thread that has just handed the baton on),
  // not yet adopted; `making_` lets one thread at a time make it.
  std::atomic<Greenthread*> ahead_{nullptr};
  std::atomic<bool> making_{false};
  size_t started_ = 0;               // greenlet threads with a body on their stack
  // Baton hand-offs (HandOff calls), of which woke a sleeping thread, of which
  // went to a thread parked only briefly; threads made. Doubles: exact to 2^53.
  double own_counts_[kCountCount] = {};
  double* counts_ = own_counts_;
  std::shared_ptr<v8::BackingStore> counts_store_;  // keeps a shared `counts_` alive
  int run_depth_ = 0;                // nesting of RunOnce (root waits inside root waits)
};

}  // namespace tinyevent
