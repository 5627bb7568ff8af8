#include "watchdog.h"
#include "api.h"
#include "v8compat.h"

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tinyevent {
namespace watchdog {
namespace {

using v8::Context;
using v8::External;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::FunctionTemplate;
using v8::HandleScope;
using v8::Isolate;
using v8::Local;
using v8::Number;
using v8::Object;
using v8::String;
using v8::Value;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr int kMaxFrames = 128;

// Samples of JavaScript stacks, folded into a call tree as they come.
// Touched by the lock holder (samples) and the watchdog thread (idle samples),
// always under mu.
struct Profile {
  struct Frame {
    std::string name;
    std::string url;
    int script_id;
    int line;    // 1-based, as V8 reports them; of the first sample seen
    int column;
  };
  struct Node {
    int parent;
    int frame;
  };
  static constexpr int kRoot = 0, kIdle = 1, kProgram = 2;

  std::mutex mu;
  std::vector<Frame> frames;
  std::unordered_map<std::string, int> frame_ids;
  std::vector<Node> nodes;
  std::map<std::pair<int, int>, int> children;  // (parent node, frame) -> node
  std::vector<int> samples;
  std::vector<double> times_us;
  double start_us = 0;

  void Reset() {
    frames.clear();
    frame_ids.clear();
    nodes.clear();
    children.clear();
    samples.clear();
    times_us.clear();
    frames.push_back({"(root)", "", 0, 0, 0});
    frames.push_back({"(idle)", "", 0, 0, 0});
    frames.push_back({"(program)", "", 0, 0, 0});
    nodes.push_back({-1, kRoot});
    nodes.push_back({kRoot, kIdle});
    nodes.push_back({kRoot, kProgram});
    children[{kRoot, kIdle}] = kIdle;
    children[{kRoot, kProgram}] = kProgram;
    start_us = NowNs() / 1e3;
  }

  int Child(int parent, int frame) {
    auto found = children.find({parent, frame});
    if (found != children.end()) return found->second;
    const int id = static_cast<int>(nodes.size());
    nodes.push_back({parent, frame});
    children[{parent, frame}] = id;
    return id;
  }

  // A function is its script and name (anonymous ones also their line).
  int InternFrame(Isolate* isolate, Local<v8::StackFrame> frame) {
    String::Utf8Value name(isolate, frame->GetFunctionName());
    const int script_id = frame->GetScriptId();
    const int line = frame->GetLineNumber();
    std::string key = std::to_string(script_id) + ':' + (*name ? *name : "");
    if (name.length() == 0) key += ':' + std::to_string(line);
    auto found = frame_ids.find(key);
    if (found != frame_ids.end()) return found->second;
    Local<String> script = frame->GetScriptName();
    std::string url;
    if (!script.IsEmpty()) {
      String::Utf8Value text(isolate, script);
      if (*text) url = *text;
    }
    const int id = static_cast<int>(frames.size());
    frames.push_back({*name ? *name : "", url, script_id, line, frame->GetColumn()});
    frame_ids.emplace(std::move(key), id);
    return id;
  }

  void AddStack(Isolate* isolate, Local<v8::StackTrace> trace) {
    int node = kRoot;
    for (int i = trace->GetFrameCount() - 1; i >= 0; i--) node = Child(node, InternFrame(isolate, trace->GetFrame(isolate, i)));
    Add(node == kRoot ? kProgram : node);
  }

  void Add(int node) {
    samples.push_back(node);
    times_us.push_back(NowNs() / 1e3);
  }
};

class Watchdog {
 public:
  Watchdog(Isolate* isolate, Local<Context> context, uv_loop_t* loop, std::shared_ptr<v8::BackingStore> progress)
      : isolate_(isolate), loop_(loop), context_(isolate, context), progress_store_(std::move(progress)) {
    switches_ = static_cast<int32_t*>(progress_store_->Data());
    uv_check_init(loop_, &check_);
    check_.data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
  }

  // The methods below run on the thread holding the isolate.

  // Reports, through on_blocked(blockedMs), any run of more than `ms` without
  // a yield; ms <= 0 stops watching.
  void SetMonitor(double ms, Local<Function> on_blocked) {
    if (ms > 0) on_blocked_.Reset(isolate_, on_blocked);
    {
      std::lock_guard<std::mutex> lock(mu_);
      threshold_ns_ = ms > 0 ? static_cast<int64_t>(ms * 1e6) : 0;
      reported_ = false;
      last_progress_ns_ = NowNs();
    }
    Reconfigure();
    if (ms <= 0) on_blocked_.Reset();
  }

  void StartProfile(double interval_us) {
    {
      std::lock_guard<std::mutex> plock(profile_.mu);
      profile_.Reset();
    }
    sample_pending_.store(false);
    profiling_.store(true);
    {
      std::lock_guard<std::mutex> lock(mu_);
      sample_ns_ = static_cast<int64_t>(interval_us * 1e3);
    }
    Reconfigure();
  }

  bool profiling() const { return profiling_.load(); }

  Local<Value> StopProfile() {
    profiling_.store(false);
    {
      std::lock_guard<std::mutex> lock(mu_);
      sample_ns_ = 0;
    }
    Reconfigure();
    std::lock_guard<std::mutex> plock(profile_.mu);
    return ProfileObject();
  }

  // Environment teardown: stop the thread before the isolate goes away.
  void Shutdown() {
    closing_.store(true);
    profiling_.store(false);
    {
      std::lock_guard<std::mutex> lock(mu_);
      threshold_ns_ = sample_ns_ = 0;
    }
    Reconfigure();
    uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
    on_blocked_.Reset();
    context_.Reset();
  }

 private:
  // Starts or stops the thread and the loop hook to match what is asked.
  void Reconfigure() {
    bool wanted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      wanted = (threshold_ns_ > 0 || sample_ns_ > 0) && !closing_.load();
    }
    if (wanted && !check_active_) {
      uv_check_start(&check_, OnCheck);
      check_active_ = true;
    } else if (!wanted && check_active_) {
      uv_check_stop(&check_);
      check_active_ = false;
    }
    if (wanted && !thread_running_) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        quit_ = false;
      }
      pthread_attr_t attr;
      pthread_attr_init(&attr);
      pthread_attr_setstacksize(&attr, 256 * 1024);
      thread_running_ = pthread_create(&thread_, &attr, ThreadMain, this) == 0;
      pthread_attr_destroy(&attr);
    } else if (wanted) {
      pthread_cond_signal(&cv_);  // a new period
    } else if (thread_running_) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        quit_ = true;
      }
      pthread_cond_signal(&cv_);
      pthread_join(thread_, nullptr);
      thread_running_ = false;
    }
  }

  static void OnCheck(uv_check_t* handle) {
    Watchdog* self = static_cast<Watchdog*>(handle->data);
    self->turns_.store(self->turns_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  static void* ThreadMain(void* arg) {
    static_cast<Watchdog*>(arg)->Run();
    return nullptr;
  }

  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    last_progress_ns_ = last_tick_ns_ = NowNs();
    last_idle_ = uv_metrics_idle_time(loop_);
    while (!quit_) {
      // The monitor looks a few times per threshold; the sampler every interval.
      int64_t period = threshold_ns_ > 0 ? threshold_ns_ / 4 : INT64_MAX;
      if (period > 50000000) period = 50000000;
      if (sample_ns_ > 0 && sample_ns_ < period) period = sample_ns_;
      WaitFor(period);
      if (quit_) break;
      Tick();
    }
  }

  // Watchdog thread, mu_ held.
  void Tick() {
    const int64_t now = NowNs();
    const int32_t switches = __atomic_load_n(switches_, __ATOMIC_RELAXED);
    const uint64_t turns = turns_.load(std::memory_order_relaxed);
    const uint64_t idle = uv_metrics_idle_time(loop_);
    const int64_t idle_ns = static_cast<int64_t>(idle - last_idle_);
    const int64_t tick_ns = now - last_tick_ns_;
    if (switches != last_switches_ || turns != last_turns_ || idle != last_idle_) {
      last_progress_ns_ = now;
      reported_ = false;
      last_switches_ = switches;
      last_turns_ = turns;
      last_idle_ = idle;
    }
    last_tick_ns_ = now;
    if (threshold_ns_ > 0 && !reported_ && now - last_progress_ns_ >= threshold_ns_) {
      reported_ = true;
      incident_.switches.store(switches);
      incident_.turns.store(turns);
      incident_.idle.store(idle);
      incident_.since_ns.store(last_progress_ns_);
      isolate_->RequestInterrupt(MonitorInterrupt, this);
    }
    if (sample_ns_ > 0) {
      if (idle_ns * 2 >= tick_ns) {
        // The loop mostly waited in its poll: no JavaScript ran.
        std::lock_guard<std::mutex> plock(profile_.mu);
        profile_.Add(Profile::kIdle);
      } else if (!sample_pending_.load() || switches != sample_switches_ || now - sample_asked_ns_ > 8 * sample_ns_) {
        // An interrupt stays with the thread that held the isolate when it was
        // asked for, and waits while that thread is parked: after a switch,
        // ask again (whichever runs first takes it; the others find it taken).
        sample_switches_ = switches;
        sample_asked_ns_ = now;
        sample_idle_.store(idle);
        sample_pending_.store(true);
        isolate_->RequestInterrupt(SampleInterrupt, this);
      }
    }
  }

  // Whether nothing has yielded since the incident was noticed.
  bool StillBlocked() {
    return __atomic_load_n(switches_, __ATOMIC_RELAXED) == incident_.switches.load() &&
           turns_.load(std::memory_order_relaxed) == incident_.turns.load() &&
           uv_metrics_idle_time(loop_) == incident_.idle.load();
  }

  // Runs on the thread holding the isolate, in the middle of its JavaScript.
  static void MonitorInterrupt(Isolate* isolate, void* data) {
    Watchdog* self = static_cast<Watchdog*>(data);
    // An interrupt that waited for a parked thread to resume comes too late.
    if (self->closing_.load() || self->on_blocked_.IsEmpty() || !self->StillBlocked()) return;
    HandleScope scope(isolate);
    Local<Context> context = self->context_.Get(isolate);
    Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);  // the JavaScript side reports its own errors
    const double blocked_ms = (NowNs() - self->incident_.since_ns.load()) / 1e6;
    Local<Value> argv[] = {Number::New(isolate, blocked_ms)};
    v8::MaybeLocal<Value> ignored = self->on_blocked_.Get(isolate)->Call(context, v8::Undefined(isolate), 1, argv);
    (void)ignored;
  }

  static void SampleInterrupt(Isolate* isolate, void* data) {
    Watchdog* self = static_cast<Watchdog*>(data);
    if (!self->sample_pending_.exchange(false) || !self->profiling_.load()) return;
    // The thread went to wait in the loop before it took the interrupt: this
    // stack is where it next ran, not where it was.
    if (uv_metrics_idle_time(self->loop_) != self->sample_idle_.load()) return;
    HandleScope scope(isolate);
    Local<v8::StackTrace> trace = v8::StackTrace::CurrentStackTrace(isolate, kMaxFrames);
    std::lock_guard<std::mutex> plock(self->profile_.mu);
    self->profile_.AddStack(isolate, trace);
  }

  // profile_.mu held.
  Local<Value> ProfileObject() {
    Isolate* isolate = isolate_;
    Local<Context> context = isolate->GetCurrentContext();
    const Profile& p = profile_;
    auto str = [&](const std::string& s) {
      return String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal, static_cast<int>(s.size())).ToLocalChecked();
    };
    const int n = static_cast<int>(p.nodes.size());
    Local<v8::Array> names = v8::Array::New(isolate, n), urls = v8::Array::New(isolate, n),
                     script_ids = v8::Array::New(isolate, n), lines = v8::Array::New(isolate, n),
                     columns = v8::Array::New(isolate, n), parents = v8::Array::New(isolate, n);
    for (int i = 0; i < n; i++) {
      const Profile::Frame& f = p.frames[p.nodes[i].frame];
      names->Set(context, i, str(f.name)).Check();
      urls->Set(context, i, str(f.url)).Check();
      script_ids->Set(context, i, Number::New(isolate, f.script_id)).Check();
      lines->Set(context, i, Number::New(isolate, f.line)).Check();
      columns->Set(context, i, Number::New(isolate, f.column)).Check();
      parents->Set(context, i, Number::New(isolate, p.nodes[i].parent)).Check();
    }
    const int m = static_cast<int>(p.samples.size());
    Local<v8::Array> samples = v8::Array::New(isolate, m), times = v8::Array::New(isolate, m);
    for (int i = 0; i < m; i++) {
      samples->Set(context, i, Number::New(isolate, p.samples[i])).Check();
      times->Set(context, i, Number::New(isolate, p.times_us[i])).Check();
    }
    Local<Object> out = Object::New(isolate);
    auto set = [&](const char* key, Local<Value> value) { out->Set(context, str(key), value).Check(); };
    set("names", names);
    set("urls", urls);
    set("scriptIds", script_ids);
    set("lines", lines);
    set("columns", columns);
    set("parents", parents);
    set("samples", samples);
    set("times", times);
    set("startTime", Number::New(isolate, p.start_us));
    set("endTime", Number::New(isolate, NowNs() / 1e3));
    return out;
  }

  Isolate* isolate_;
  uv_loop_t* loop_;
  v8::Global<Context> context_;
  v8::Global<Function> on_blocked_;
  std::shared_ptr<v8::BackingStore> progress_store_;  // keeps the counter's memory alive
  int32_t* switches_;
  uv_check_t check_;
  bool check_active_ = false;
  std::atomic<uint64_t> turns_{0};  // loop turns; written by the loop thread only
  std::atomic<bool> closing_{false};

  std::mutex mu_;  // guards the fields below, down to the incident
  // A pthread condition on CLOCK_MONOTONIC rather than std::condition_variable,
  // whose timed wait needs glibc 2.30 (pthread_cond_clockwait): the prebuilt
  // engines keep Node's glibc floor.
  pthread_cond_t cv_ = MonotonicCond();

  static pthread_cond_t MonotonicCond() {
    pthread_cond_t cond;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&cond, &attr);
    pthread_condattr_destroy(&attr);
    return cond;
  }

  // mu_ held; returns after `ns` or a signal.
  void WaitFor(int64_t ns) {
    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    const int64_t sec = ns / 1000000000;
    deadline.tv_sec += sec > 86400 ? 86400 : sec;
    deadline.tv_nsec += ns % 1000000000;
    if (deadline.tv_nsec >= 1000000000) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&cv_, mu_.native_handle(), &deadline);
  }
  pthread_t thread_{};
  bool thread_running_ = false;  // touched by the lock holder only
  bool quit_ = false;
  int64_t threshold_ns_ = 0;
  int64_t sample_ns_ = 0;
  int32_t last_switches_ = 0;
  uint64_t last_turns_ = 0;
  uint64_t last_idle_ = 0;
  int64_t last_progress_ns_ = 0;
  int64_t last_tick_ns_ = 0;
  bool reported_ = false;
  struct {
    std::atomic<int32_t> switches{0};
    std::atomic<uint64_t> turns{0};
    std::atomic<uint64_t> idle{0};
    std::atomic<int64_t> since_ns{0};
  } incident_;

  std::atomic<bool> profiling_{false};
  std::atomic<bool> sample_pending_{false};
  std::atomic<uint64_t> sample_idle_{0};
  int32_t sample_switches_ = 0;  // watchdog thread only
  int64_t sample_asked_ns_ = 0;
  Profile profile_;
};

Watchdog* Of(const FunctionCallbackInfo<Value>& info) { return static_cast<Watchdog*>(v8compat::ExternalValue(info.Data().As<External>(), v8compat::ExternalTag::kWatchdog)); }

void ThrowType(Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::TypeError(String::NewFromUtf8(isolate, message).ToLocalChecked()));
}

// setMonitor(ms, onBlocked(blockedMs)): ms <= 0 stops the monitor.
void SetMonitorFn(const FunctionCallbackInfo<Value>& info) {
  if (info.Length() < 2 || !info[0]->IsNumber() || !info[1]->IsFunction()) {
    return ThrowType(info.GetIsolate(), "setMonitor(ms, onBlocked) takes a number and a function");
  }
  Of(info)->SetMonitor(info[0].As<Number>()->Value(), info[1].As<Function>());
}

// startProfile(intervalUs): starts sampling (a running profile starts over).
void StartProfileFn(const FunctionCallbackInfo<Value>& info) {
  if (info.Length() < 1 || !info[0]->IsNumber() || !(info[0].As<Number>()->Value() >= 1)) {
    return ThrowType(info.GetIsolate(), "startProfile(intervalUs) takes a number of at least 1");
  }
  Of(info)->StartProfile(info[0].As<Number>()->Value());
}

// stopProfile() -> the samples and call tree, as parallel arrays.
void StopProfileFn(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(Of(info)->StopProfile()); }

void ProfilingFn(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(Of(info)->profiling()); }

void Cleanup(void* arg) { static_cast<Watchdog*>(arg)->Shutdown(); }

// watchdog(progress) -> its API. One per Node environment (JavaScript keeps it).
void CreateFn(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsInt32Array()) return ThrowType(isolate, "watchdog(progress) takes an Int32Array");
  Local<v8::Int32Array> progress = info[0].As<v8::Int32Array>();
  Local<Context> context = isolate->GetCurrentContext();
  std::shared_ptr<v8::BackingStore> store = progress->Buffer()->GetBackingStore();
  if (progress->Length() < 1 || progress->ByteOffset() != 0) return ThrowType(isolate, "progress must be a non-empty Int32Array at the start of its buffer");
  // Never freed: a pending interrupt may still carry it after teardown.
  Watchdog* dog = new Watchdog(isolate, context, node::GetCurrentEventLoop(isolate), store);
  node::AddEnvironmentCleanupHook(isolate, Cleanup, dog);
  Local<External> data = v8compat::NewExternal(isolate, dog, v8compat::ExternalTag::kWatchdog);
  static const ApiFunction functions[] = {
      {"setMonitor", SetMonitorFn},
      {"startProfile", StartProfileFn},
      {"stopProfile", StopProfileFn},
      {"profiling", ProfilingFn},
  };
  info.GetReturnValue().Set(NewApi(isolate, context, data, functions));
}

}  // namespace

void Register(Local<Context> context, Local<Object> exports) {
  Isolate* isolate = v8compat::IsolateOf(context);
  exports
      ->Set(context, String::NewFromUtf8(isolate, "watchdog").ToLocalChecked(),
            FunctionTemplate::New(isolate, CreateFn)->GetFunction(context).ToLocalChecked())
      .Check();
}

}  // namespace watchdog
}  // namespace tinyevent

// GCC 12's headers call std::__throw_bad_array_new_length (GLIBCXX_3.4.29,
// newer than the libstdc++ of Node's oldest supported distributions) from
// inlined container code; built without exceptions it can only abort, so a
// local definition keeps the prebuilt engines on the older libstdc++.
namespace std {
[[noreturn]] void __throw_bad_array_new_length() { abort(); }
}  // namespace std
