#include "engine.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <sched.h>

#include "cpus.h"
#include "v8compat.h"

namespace tinyevent {

namespace {
// Stack below V8's limit kept for native frames that do no stack check
// (runtime calls, GC, libuv, our own switch). Node's Worker keeps 192 KiB of 4 MiB.
constexpr uintptr_t kStackMargin = 160 * 1024;
constexpr size_t kDefaultStackSize = 1024 * 1024 + kStackMargin;
// The Hub spins this long for the greenlet it resumed to switch back: about what
// the sleep it saves would cost (a wake-up on another virtual CPU is 20-50 µs; a
// greenlet starting on a new thread takes ~30 µs). Not longer: a thread woken on
// the Hub's CPU waits for the spin to end.
constexpr uint32_t kHubSpinUs = 60;
// A thread that parked less than this before it is handed the baton would have
// been caught spinning (the placement policy counts these).
constexpr int64_t kBriefParkNs = 50 * 1000;

uintptr_t CurrentStackLow() {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  return reinterpret_cast<uintptr_t>(addr);
}
}  // namespace

Engine::Engine(v8::Isolate* isolate, v8::Local<v8::Context> context, uv_loop_t* loop,
               v8::Local<v8::Function> drain, v8::Local<v8::Function> on_timer, v8::Local<v8::Function> on_hub)
    : isolate_(isolate), loop_(loop), context_(isolate, context), drain_(isolate, drain), on_timer_(isolate, on_timer),
      on_hub_(isolate, on_hub), stack_size_(kDefaultStackSize) {
  auto main = std::make_unique<Greenthread>();
  main->engine = this;
  main->assigned = main->started = true;
  main->baton.SetFixedSpin(kHubSpinUs);
  slots_.push_back(std::move(main));
  uv_prepare_init(loop_, &prepare_);
  uv_timer_init(loop_, &timer_);
  uv_idle_init(loop_, &idle_handle_);
  idle_handle_.data = this;
  timer_.data = this;
  prepare_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
  v8::HandleScope scope(isolate);
  v8::Local<v8::String> source = v8::String::NewFromUtf8Literal(isolate, "(function () {})");
  v8::Local<v8::Script> script = v8::Script::Compile(context, source).ToLocalChecked();
  probe_.Reset(isolate, script->Run(context).ToLocalChecked().As<v8::Function>());
}

bool Engine::HandOff(Greenthread* target) {
  // A sleeping target moves to the current CPU placement before it is woken:
  // cheap while it sleeps, and the kernel then wakes it where it is to run.
  if (target->baton.Asleep()) cpus::FollowSleeper(target->tid, &target->cpu_generation);
  counts_[kSwitches]++;
  if (SteadyNs() - target->parked_at.load(std::memory_order_relaxed) < kBriefParkNs) counts_[kBriefHandoffs]++;
  const bool woke = target->baton.Give();
  if (woke) counts_[kSleeperWakes]++;
  return woke;
}

bool Engine::ValidTarget(int id) const {
  if (id < 0 || static_cast<size_t>(id) >= slots_.size() || id == current_) return false;
  return slots_[id]->assigned;
}

void Engine::ShareCounts(std::shared_ptr<v8::BackingStore> store) {
  double* into = static_cast<double*>(store->Data());
  for (int i = 0; i < kCountCount; i++) into[i] = counts_[i];
  counts_ = into;
  counts_store_ = std::move(store);
}

int Engine::CreateThread(Greenthread* g) {
  g->cpu_generation = cpus::Generation();  // it inherits the main thread's mask
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_size_);
  int rc = pthread_create(&g->thread, &attr, ThreadMain, g);
  pthread_attr_destroy(&attr);
  g->has_thread = rc == 0;
  return rc;
}

namespace {
// What pthread_create's error means here, and how to get past it.
const char* ThreadCreateError(int rc) {
  if (rc == EAGAIN) {
    return "could not create a greenlet thread: a system limit on threads was reached (EAGAIN). Each greenlet "
           "that has started and not finished holds a thread: run fewer at once (a Pool), or raise the limit that "
           "was hit: ulimit -u (RLIMIT_NPROC), sysctl kernel.threads-max, kernel.pid_max, vm.max_map_count (each "
           "thread takes two memory maps), or the address-space limit (ulimit -v)";
  }
  if (rc == ENOMEM) {
    return "could not create a greenlet thread: no memory for its stack (ENOMEM). Run fewer greenlets at once "
           "(a Pool), lower TINYEVENT_STACK_KB, or raise the memory limits (ulimit -v, the cgroup's memory.max)";
  }
  return "could not create a greenlet thread (pthread_create failed): run fewer greenlets at once";
}
}  // namespace

int Engine::Assign(v8::Local<v8::Function> body, const char** error) {
  if (closing_) {
    *error = "tinyevent is shutting down";
    return -1;
  }
  Greenthread* g;
  if (idle_.empty()) AdoptThreadAhead();
  if (!idle_.empty()) {
    g = slots_[idle_.back()].get();
    idle_.pop_back();
  } else {
    auto fresh = std::make_unique<Greenthread>();
    fresh->id = static_cast<int>(slots_.size());
    fresh->engine = this;
    const bool fail = fail_next_create_;  // the test switch: fails as a thread limit would
    fail_next_create_ = false;
    const int rc = fail ? EAGAIN : CreateThread(fresh.get());
    if (rc != 0) {
      *error = ThreadCreateError(rc);
      return -1;
    }
    g = fresh.get();
    slots_.push_back(std::move(fresh));
    counts_[kThreadsMade]++;
  }
  g->body.Reset(isolate_, body);
  g->assigned = true;
  // The pool ran dry: spawns are outrunning it, so the main thread makes the
  // next thread while this one runs (see Park).
  make_ahead_ = idle_.empty();
  return g->id;
}

// Creating a thread costs 15-45 µs on a virtual machine: when spawns outrun
// the pool, the thread that parks next makes the next thread after it has
// handed the baton on, while the greenlet it switched to runs, instead of on
// the way to the next start. Made without the baton, the new thread is kept
// aside (no slot, no id; published with release) until the baton holder adopts it.
void Engine::MakeThreadAhead() {
  if (making_.exchange(true, std::memory_order_acquire)) return;
  if (ahead_.load(std::memory_order_acquire) == nullptr) {
    auto fresh = std::make_unique<Greenthread>();
    fresh->engine = this;
    if (CreateThread(fresh.get()) == 0) ahead_.store(fresh.release(), std::memory_order_release);  // else the next Assign tries again
  }
  making_.store(false, std::memory_order_release);
}

void Engine::AdoptThreadAhead() {
  Greenthread* made = ahead_.exchange(nullptr, std::memory_order_acquire);
  if (made == nullptr) return;
  made->id = static_cast<int>(slots_.size());
  idle_.push_back(made->id);
  slots_.emplace_back(made);
  counts_[kThreadsMade]++;
}

// The switch. Leaves the isolate completely (every Enter undone), so that V8's
// per-isolate entry stack never holds a parked thread's entry and the GC's stack
// scan starts from the running thread; hands the baton; parks; comes back.
void Engine::Park(Greenthread* self, Greenthread* target, bool patient) {
  current_ = target->id;
  // The async context frame (AsyncLocalStorage's where Node keeps it in V8's
  // continuation data: Node 24+) is one slot per isolate, not per thread: each
  // parked thread keeps its own. Nothing to keep until frames are in use.
  std::optional<v8::HandleScope> frame_scope;
  v8::Local<v8::Value> async_frame;
  if (async_frames_) {
    frame_scope.emplace(isolate_);
    async_frame = v8compat::AsyncFrame(isolate_);
  }
  int depth = 0;
  while (isolate_->IsCurrent()) {
    isolate_->Exit();
    depth++;
  }
  {
    v8::Unlocker unlocker(isolate_);
    self->parked_at.store(SteadyNs(), std::memory_order_relaxed);
    // Read while this thread still holds the baton; Give() hands engine state over.
    const bool make_ahead = make_ahead_ && !closing_ && !fail_next_create_;
    if (make_ahead) make_ahead_ = false;
    const bool first_start = !target->started_once;
    target->started_once = true;
    const bool waking = HandOff(target) || first_start;
    if (make_ahead) MakeThreadAhead();
    // A patient park (a timed sleep) cannot end within any spin: sleep at once
    // and leave the core to the thread being woken.
    self->baton.Take(patient ? 0 : 1, waking);
  }
  for (int i = 0; i < depth; i++) isolate_->Enter();
  cpus::Follow(&self->cpu_generation);
  AdoptThreadAhead();
  if (!async_frame.IsEmpty()) v8compat::SetAsyncFrame(isolate_, async_frame);
  if (self->kill) {
    isolate_->TerminateExecution();
  } else if (terminate_pending_ && (self != slots_[0].get() || run_depth_ == 0)) {
    // A greenlet unwinds at once; the main thread only outside RunOnce, where
    // Node's callbacks handle a termination as in plain Node (else RunOnce does).
    terminate_pending_ = false;
    isolate_->TerminateExecution();
  } else if (terminate_pending_) {
    uv_stop(loop_);
  }
}

// V8 visits the isolate's one continuation-data slot (where Node keeps the
// async context frame) once for every thread it iterates: the running one and
// each archived one, i.e. each parked greenlet. A scavenge that meets a young
// frame there a second time evacuates it again: the first copy, which the GC
// has already handed out, becomes a forwarding stub and V8 aborts in its heap
// visitor. So around each GC the slot is emptied and the frame held in a global
// handle, which the GC visits once.
void Engine::KeepAsyncFrames() {
  if (async_frames_) return;
  async_frames_ = true;
#ifdef TINYEVENT_HAS_CONTINUATION_DATA
  isolate_->AddGCPrologueCallback(OnGcPrologue, this);
  isolate_->AddGCEpilogueCallback(OnGcEpilogue, this);
#endif
}

#ifdef TINYEVENT_HAS_CONTINUATION_DATA
void Engine::OnGcPrologue(v8::Isolate* isolate, v8::GCType, v8::GCCallbackFlags, void* data) {
  Engine* engine = static_cast<Engine*>(data);
  v8::HandleScope scope(isolate);
  engine->gc_frame_.Reset(isolate, v8compat::GetContinuationData(isolate));
  v8compat::SetContinuationData(isolate, v8::Undefined(isolate));
}

void Engine::OnGcEpilogue(v8::Isolate* isolate, v8::GCType, v8::GCCallbackFlags, void* data) {
  Engine* engine = static_cast<Engine*>(data);
  if (engine->gc_frame_.IsEmpty()) return;  // a GC that began before the callbacks were added
  v8::HandleScope scope(isolate);
  v8compat::SetContinuationData(isolate, engine->gc_frame_.Get(isolate));
  engine->gc_frame_.Reset();
}
#endif

void Engine::SwitchTo(int target, bool patient) { Park(slots_[current_].get(), slots_[target].get(), patient); }

void Engine::Terminate(int id) {
  Greenthread* g = slots_[id].get();
  if (!g->started) return;
  g->kill = true;
  g->return_to = current_;
  Park(slots_[current_].get(), g, false);
}

// Runs one greenlet body on this thread, inside its own top-level Locker, and
// returns the slot that gets the baton next.
int Engine::RunBody(Greenthread* self) {
  v8::Locker locker(isolate_);
  // V8 derived this thread's limit from --stack-size; make it match our stack.
  isolate_->SetStackLimit(self->stack_low + kStackMargin);
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Function> body = self->body.Get(isolate_);
  self->body.Reset();
  self->started = true;
  started_++;

  int next = 0;
  v8::Local<v8::Value> result;
  if (body->Call(context, v8::Undefined(isolate_), 0, nullptr).ToLocal(&result)) {
    int32_t n = 0;
    if (result->IsInt32()) n = result.As<v8::Int32>()->Value();
    if (n >= 0 && static_cast<size_t>(n) < slots_.size() && n != self->id && slots_[n]->assigned) next = n;
  } else if (self->kill) {
    isolate_->CancelTerminateExecution();
    next = self->return_to;
  } else if (try_catch.HasTerminated()) {
    // Termination aimed at the isolate (worker.terminate, a watchdog) hit this
    // greenlet: let it unwind here, then re-raise it on the thread we go to.
    isolate_->CancelTerminateExecution();
    terminate_pending_ = true;
  } else {
    // Greenlet bodies catch everything; this is a tinyevent bug, say so.
    v8::String::Utf8Value text(isolate_, try_catch.Exception());
    fprintf(stderr, "tinyevent: greenlet body threw: %s\n", *text ? *text : "(unprintable)");
  }
  self->started = false;
  started_--;
  self->kill = false;
  self->assigned = false;
  return next;
}

void* Engine::ThreadMain(void* arg) {
  Greenthread* self = static_cast<Greenthread*>(arg);
  Engine* engine = self->engine;
  self->stack_low = CurrentStackLow();
  self->tid = static_cast<int>(syscall(SYS_gettid));
  for (;;) {
    // A thread made ahead (in a burst of spawns) is handed its first greenlet
    // soon: it polls for it while yielding its core, so that the hand-off
    // needs no kernel wake-up, then sleeps. A pooled thread spins less (/8).
    self->baton.Take(self->ran ? 8 : 1, !self->ran);
    self->ran = true;
    if (self->quit) break;
    cpus::Follow(&self->cpu_generation);
    int next = engine->RunBody(self);
    // Still the baton holder: hand the thread back to the pool, then the baton on.
    engine->idle_.push_back(self->id);
    engine->current_ = next;
    self->parked_at.store(SteadyNs(), std::memory_order_relaxed);
    engine->HandOff(engine->slots_[next].get());
  }
  engine->isolate_->DiscardThreadSpecificMetadata();
  // The joiner waits on this baton; this thread touches nothing after it.
  engine->slots_[0]->baton.Give();
  return nullptr;
}

void Engine::OnPrepare(uv_prepare_t* handle) {
  // Runs right before the loop polls inside RunOnce: drain nextTicks and
  // microtasks so a wait they satisfy stops the loop before it sleeps.
  Engine* engine = static_cast<Engine*>(handle->data);
  v8::Isolate* isolate = engine->isolate_;
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = engine->context_.Get(isolate);
  v8::Context::Scope context_scope(context);
  v8::TryCatch try_catch(isolate);  // the JS drain records its own errors
  v8::MaybeLocal<v8::Value> ignored = engine->drain_.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr);
  (void)ignored;
  engine->DeferTermination();
}

void Engine::DeferTermination() {
  if (run_depth_ == 0 || !isolate_->IsExecutionTerminating()) return;
  isolate_->CancelTerminateExecution();
  terminate_pending_ = true;
  uv_stop(loop_);
}

// True if the environment is being torn down (worker.terminate(), process.exit()
// in a worker). Node marks it stopping first, then terminates whichever thread
// holds the isolate; a parked greenlet keeps such an interrupt with its archived
// state, so ask Node: MakeCallback fails once the environment is stopping.
bool Engine::EnvironmentStopping() {
  if (isolate_->IsExecutionTerminating()) return true;
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = context_.Get(isolate_);
  v8::Context::Scope context_scope(context);
  return node::MakeCallback(isolate_, context->Global(), probe_.Get(isolate_), 0, nullptr, node::async_context{0, 0})
      .IsEmpty();
}

void Engine::ArmTimer(double ms) {
  if (closing_) return;
  timer_armed_ = ms >= 0;
  if (ms < 0) {
    uv_timer_stop(&timer_);
    return;
  }
  // libuv times its timers in whole milliseconds of the loop's clock, which
  // stands still between turns and is floored (and may be the coarse clock):
  // counted from it as it was, a timer armed after a long stretch of
  // JavaScript fired at once. Counted from now, and rounded up from the exact
  // clock, it never fires before `ms` have passed.
  // Nothing left to wait (0): due in this turn's timer phase.
  double wait_ms = 0;
  if (ms > 0) {
    uv_update_time(loop_);
    const double exact_ms = static_cast<double>(uv_hrtime()) / 1e6;
    wait_ms = std::ceil(exact_ms + ms - static_cast<double>(uv_now(loop_)));
  }
  // Past 2^53 ms a double-to-integer cast is undefined (it gave 0: a spin).
  constexpr double kMaxMs = 9007199254740992.0;
  uv_timer_start(&timer_, OnTimer, static_cast<uint64_t>(wait_ms < kMaxMs ? wait_ms : kMaxMs), 0);
}

void Engine::ArmHub() {
  if (!closing_) uv_idle_start(&idle_handle_, OnIdle);
}

// The Hub's turn runs from this handle, not from a setImmediate: Node's
// immediate check aborts the process if the environment starts stopping while
// an immediate callback runs below a JS frame, and a root greenlet may block
// inside an immediate, which Node's immediate queue does not survive.
void Engine::OnIdle(uv_idle_t* handle) {
  uv_idle_stop(handle);
  Engine* engine = static_cast<Engine*>(handle->data);
  engine->DeferTermination();
  if (engine->terminate_pending_) return;
  v8::Isolate* isolate = engine->isolate_;
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = engine->context_.Get(isolate);
  v8::Context::Scope context_scope(context);
  // As OnTimer: nextTicks and microtasks run after it; the drain reports its own errors.
  v8::MaybeLocal<v8::Value> ignored = node::MakeCallback(isolate, context->Global(), engine->on_hub_.Get(isolate), 0,
                                                          nullptr, node::async_context{0, 0});
  (void)ignored;
  engine->DeferTermination();
}

void Engine::OnTimer(uv_timer_t* handle) {
  Engine* engine = static_cast<Engine*>(handle->data);
  engine->timer_armed_ = false;
  v8::Isolate* isolate = engine->isolate_;
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = engine->context_.Get(isolate);
  v8::Context::Scope context_scope(context);
  // MakeCallback, like Node's own callbacks: nextTicks and microtasks run after it.
  // The JS side catches every callback's error, so nothing is thrown here.
  v8::MaybeLocal<v8::Value> ignored = node::MakeCallback(isolate, context->Global(), engine->on_timer_.Get(isolate), 0,
                                                          nullptr, node::async_context{0, 0});
  (void)ignored;
  engine->DeferTermination();
}

// libuv runs async handles (cross-thread wake-ups: Node's task queue, message
// ports, the inspector) from a list it sets aside for the pass. A root that
// blocks inside one of their callbacks (a worker's main script runs inside its
// port's) hides the rest of that pass from every nested turn, and their
// senders, seeing them still pending, never wake the loop for them again: the
// environment's stop request (worker.terminate) waited for the next timer.
// Runs those that are pending, as libuv's pass would (clear, then call); after
// each call the handles are looked up again (a callback may close some).
void Engine::RunHiddenAsyncs() {
  for (int round = 0; round < 64; round++) {
    struct Scan {
      uv_loop_t* loop;
      uv_async_t* pending;
    } scan{loop_, nullptr};
    uv_walk(
        loop_,
        [](uv_handle_t* handle, void* arg) {
          Scan* scan = static_cast<Scan*>(arg);
          if (scan->pending != nullptr || handle->type != UV_ASYNC || uv_is_closing(handle)) return;
          uv_async_t* async = reinterpret_cast<uv_async_t*>(handle);
          if (__atomic_load_n(&async->pending, __ATOMIC_ACQUIRE) == 0 || async->async_cb == nullptr) return;
          for (uv__queue* q = scan->loop->async_handles.next; q != &scan->loop->async_handles; q = q->next) {
            if (q == &async->queue) return;  // libuv's own pass will run it
          }
          scan->pending = async;
        },
        &scan);
    if (scan.pending == nullptr) return;
    if (__atomic_exchange_n(&scan.pending->pending, 0, __ATOMIC_ACQ_REL) != 0) scan.pending->async_cb(scan.pending);
  }
}

namespace {
// The worker engine turning the loop on this thread (RunOnce), if any.
thread_local Engine* t_turning = nullptr;
}  // namespace

void Engine::InWorker() {
  in_worker_ = true;
  isolate_->SetFatalErrorHandler(SurviveStopInTurn);
}

// Node's immediate check calls ToLocalChecked on MakeCallback's result, which is
// empty when the environment stops (worker.terminate, process.exit in a worker)
// while the immediates run and the callback scope is nested: a worker's root
// turning the loop always is (its main script runs in its port's callback), so
// such a stop aborted the whole process. There, and only there, the failed check
// is let pass: Node ignores the value, its immediate loop ends (the environment
// can no longer call into JavaScript) and the worker goes on stopping. Every
// other fatal error is Node's own.
void Engine::SurviveStopInTurn(const char* location, const char* message) {
  v8::Isolate* isolate = v8::Isolate::TryGetCurrent();
  if (t_turning != nullptr && isolate == t_turning->isolate_ && isolate->IsExecutionTerminating() &&
      strcmp(location, "v8::ToLocalChecked") == 0) {
    return;
  }
  node::OnFatalError(location, message);
}

bool Engine::RunOnce() {
  // Root waits nest (a callback run by one may block again): the drain hook
  // stays on until the outermost turn ends.
  if (run_depth_++ == 0) uv_prepare_start(&prepare_, OnPrepare);
  // libuv 1.47+ takes every due timer off its heap before running the batch: a
  // root blocking in a Node timer's callback would never see the Hub timer of
  // the same batch fire. Back on the heap, due now (this takes it off the batch).
  if (timer_armed_ && !uv_is_active(reinterpret_cast<uv_handle_t*>(&timer_))) uv_timer_start(&timer_, OnTimer, 0, 0);
  if (in_worker_) RunHiddenAsyncs();
  Engine* outer = t_turning;
  if (in_worker_) t_turning = this;
  int alive = uv_run(loop_, UV_RUN_ONCE);
  t_turning = outer;
  if (--run_depth_ == 0) uv_prepare_stop(&prepare_);
  if (terminate_pending_ || EnvironmentStopping()) {
    // End every enclosing loop (Node's own uv_stop was spent on this turn) and
    // unwind the JavaScript that waits, as Node does when it stops.
    terminate_pending_ = false;
    uv_stop(loop_);
    if (!isolate_->IsExecutionTerminating()) isolate_->TerminateExecution();
    return false;
  }
  return alive != 0 || uv_loop_alive(loop_) != 0;
}

void Engine::Shutdown() {
  if (closing_) return;
  closing_ = true;
  while (making_.load(std::memory_order_acquire)) sched_yield();
  AdoptThreadAhead();
  // Unwind every greenlet still parked mid-body so that none stays entered in
  // the isolate; their JavaScript is terminated, not resumed.
  for (size_t i = 1; i < slots_.size(); i++) {
    if (slots_[i]->started) Terminate(static_cast<int>(i));
  }
  Greenthread* main = slots_[0].get();
  int depth = 0;
  while (isolate_->IsCurrent()) {
    isolate_->Exit();
    depth++;
  }
  {
    v8::Unlocker unlocker(isolate_);
    for (size_t i = 1; i < slots_.size(); i++) {
      Greenthread* g = slots_[i].get();
      if (!g->has_thread) continue;
      g->quit = true;
      g->baton.Give();
      main->baton.Take();
      pthread_join(g->thread, nullptr);
      g->has_thread = false;
    }
  }
  for (int i = 0; i < depth; i++) isolate_->Enter();
  for (auto& g : slots_) g->body.Reset();
#ifdef TINYEVENT_HAS_CONTINUATION_DATA
  if (async_frames_) {
    isolate_->RemoveGCPrologueCallback(OnGcPrologue, this);
    isolate_->RemoveGCEpilogueCallback(OnGcEpilogue, this);
  }
  gc_frame_.Reset();
#endif
  uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_handle_), nullptr);
  on_timer_.Reset();
  on_hub_.Reset();
  drain_.Reset();
  probe_.Reset();
  context_.Reset();
}

}  // namespace tinyevent
