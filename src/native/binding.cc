// JavaScript bindings of the engine. Raw V8, not N-API: the switch must not run
// inside an N-API handle or callback scope, whose counters are shared by every
// thread. Every function here is called from JavaScript, so the caller holds the
// baton and the isolate lock.
#include <node.h>
#include <v8.h>

#include "api.h"
#include "cpus.h"
#include "engine.h"
#include "v8compat.h"
#include "watchdog.h"

namespace tinyevent {
namespace {

using v8::Context;
using v8::External;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::FunctionTemplate;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Value;

Engine* EngineOf(const FunctionCallbackInfo<Value>& info) {
  return static_cast<Engine*>(v8compat::ExternalValue(info.Data().As<External>(), v8compat::ExternalTag::kEngine));
}

void Throw(Isolate* isolate, bool range, const char* message) {
  Local<String> text = String::NewFromUtf8(isolate, message).ToLocalChecked();
  isolate->ThrowException(range ? v8::Exception::RangeError(text) : v8::Exception::TypeError(text));
}

bool IntArg(const FunctionCallbackInfo<Value>& info, int index, int* out) {
  if (info.Length() <= index || !info[index]->IsInt32()) {
    Throw(info.GetIsolate(), false, "expected an integer greenlet slot");
    return false;
  }
  *out = info[index].As<v8::Int32>()->Value();
  return true;
}

// assign(body) -> slot: a pooled thread that will call body() when first switched to.
void AssignFn(const FunctionCallbackInfo<Value>& info) {
  Engine* engine = EngineOf(info);
  if (info.Length() < 1 || !info[0]->IsFunction()) return Throw(info.GetIsolate(), false, "body must be a function");
  const char* error = nullptr;
  int id = engine->Assign(info[0].As<Function>(), &error);
  if (id < 0) {
    Local<String> text = String::NewFromUtf8(info.GetIsolate(), error).ToLocalChecked();
    info.GetIsolate()->ThrowException(v8::Exception::Error(text));
    return;
  }
  info.GetReturnValue().Set(id);
}

// switchTo(slot, patient?): park the calling thread and run `slot` until someone
// switches back; `patient` when only a timer (or a kill) can end the park.
void SwitchToFn(const FunctionCallbackInfo<Value>& info) {
  Engine* engine = EngineOf(info);
  int target;
  if (!IntArg(info, 0, &target)) return;
  if (!engine->ValidTarget(target)) return Throw(info.GetIsolate(), true, "no greenlet to switch to in that slot");
  engine->SwitchTo(target, info[1]->IsTrue());
}

void CurrentFn(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(EngineOf(info)->current()); }

// runOnce() -> alive: one turn of Node's loop, for a root greenlet that blocks.
void RunOnceFn(const FunctionCallbackInfo<Value>& info) {
  Engine* engine = EngineOf(info);
  if (engine->current() != 0) return Throw(info.GetIsolate(), false, "only the main thread turns the event loop");
  info.GetReturnValue().Set(engine->RunOnce());
}

void StopFn(const FunctionCallbackInfo<Value>& info) { EngineOf(info)->Stop(); }


// armTimer(ms): (re)start the Hub timer; a negative ms stops it.
void ArmTimerFn(const FunctionCallbackInfo<Value>& info) {
  if (info.Length() < 1 || !info[0]->IsNumber()) return Throw(info.GetIsolate(), false, "ms must be a number");
  EngineOf(info)->ArmTimer(info[0].As<v8::Number>()->Value());
}

void ArmHubFn(const FunctionCallbackInfo<Value>& info) { EngineOf(info)->ArmHub(); }

void LoopAliveFn(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(EngineOf(info)->LoopAlive()); }

void LoopIdleMsFn(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(EngineOf(info)->LoopIdleMs()); }

// terminate(slot): unwind a parked greenlet without running its JavaScript.
void TerminateFn(const FunctionCallbackInfo<Value>& info) {
  Engine* engine = EngineOf(info);
  int target;
  if (!IntArg(info, 0, &target)) return;
  if (engine->current() != 0) return Throw(info.GetIsolate(), false, "terminate() runs on the main thread");
  if (!engine->ValidTarget(target)) return Throw(info.GetIsolate(), true, "no greenlet to terminate in that slot");
  engine->Terminate(target);
}

// setCpuShared(bool, preferred = -1) -> whether the placement is now as asked (see cpus.h).
void SetCpuSharedFn(const FunctionCallbackInfo<Value>& info) {
  if (EngineOf(info)->current() != 0) return Throw(info.GetIsolate(), false, "the CPU placement changes on the main thread");
  const int preferred = info.Length() > 1 && info[1]->IsInt32() ? info[1].As<v8::Int32>()->Value() : -1;
  info.GetReturnValue().Set(cpus::SetShared(info.Length() > 0 && info[0]->IsTrue(), preferred));
}

// widenCpus(bool): see cpus::Widen.
void WidenCpusFn(const FunctionCallbackInfo<Value>& info) { cpus::Widen(info.Length() > 0 && info[0]->IsTrue()); }

void StatsFn(const FunctionCallbackInfo<Value>& info) {
  Engine* engine = EngineOf(info);
  Isolate* isolate = info.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  Local<Object> stats = Object::New(isolate);
  auto set = [&](const char* key, double value) {
    stats->Set(context, String::NewFromUtf8(isolate, key).ToLocalChecked(), v8::Number::New(isolate, value)).Check();
  };
  set("threads", static_cast<double>(engine->threads()));
  set("idle", static_cast<double>(engine->idle()));
  set("started", static_cast<double>(engine->started()));
  set("stackSize", static_cast<double>(engine->stack_size()));
  set("switches", engine->switches());
  set("sleeperWakes", engine->sleeper_wakes());
  set("briefHandoffs", engine->brief_handoffs());
  stats->Set(context, String::NewFromUtf8(isolate, "cpu").ToLocalChecked(),
             String::NewFromUtf8(isolate, cpus::Shared() ? "shared" : "spread").ToLocalChecked())
      .Check();
  info.GetReturnValue().Set(stats);
}

// shareCounts(Float64Array(4)): the engine keeps its counters there from now on.
void ShareCountsFn(const FunctionCallbackInfo<Value>& info) {
  if (info.Length() < 1 || !info[0]->IsFloat64Array()) return Throw(info.GetIsolate(), false, "shareCounts takes a Float64Array");
  Local<v8::Float64Array> array = info[0].As<v8::Float64Array>();
  if (array->Length() < Engine::kCountCount || array->ByteOffset() != 0) {
    return Throw(info.GetIsolate(), true, "the counts array is too short (or not at the start of its buffer)");
  }
  EngineOf(info)->ShareCounts(array->Buffer()->GetBackingStore());
}

void SetStackSizeFn(const FunctionCallbackInfo<Value>& info) {
  if (info.Length() < 1 || !info[0]->IsNumber()) return Throw(info.GetIsolate(), false, "stack size must be a number");
  double bytes = info[0].As<v8::Number>()->Value();
  if (!(bytes >= 256 * 1024 && bytes <= 1024.0 * 1024 * 1024)) {
    return Throw(info.GetIsolate(), true, "stack size must be between 256 KiB and 1 GiB");
  }
  EngineOf(info)->set_stack_size(static_cast<size_t>(bytes));
}

// asyncFrame() -> the async context frame current now (AsyncLocalStorage's, where
// Node keeps it in V8's continuation data); undefined if none.
void AsyncFrameFn(const FunctionCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(v8compat::AsyncFrame(info.GetIsolate()));
}

// enterAsyncFrame(frame): makes `frame` (from asyncFrame()) the current one.
void EnterAsyncFrameFn(const FunctionCallbackInfo<Value>& info) {
  v8compat::SetAsyncFrame(info.GetIsolate(), info.Length() > 0 ? info[0] : v8::Undefined(info.GetIsolate()).As<Value>());
}

// keepAsyncFrames(): each thread keeps its own frame across its parks from now on.
void KeepAsyncFramesFn(const FunctionCallbackInfo<Value>& info) { EngineOf(info)->KeepAsyncFrames(); }

// inWorker(): this engine is a worker's (Engine::InWorker).
void InWorkerFn(const FunctionCallbackInfo<Value>& info) { EngineOf(info)->InWorker(); }

// Test-only: make the next thread creation fail, so the error path runs.
void FailNextThreadCreateFn(const FunctionCallbackInfo<Value>& info) { EngineOf(info)->FailNextThreadCreate(); }

void Cleanup(void* arg) { static_cast<Engine*>(arg)->Shutdown(); }

// setup(drain, onTimer, onHub) -> engine object. One engine per Node environment.
void SetupFn(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 3 || !info[0]->IsFunction() || !info[1]->IsFunction() || !info[2]->IsFunction()) {
    return Throw(isolate, false, "setup(drain, onTimer, onHub) takes three functions");
  }
  Local<Context> context = isolate->GetCurrentContext();
  // Never freed: parked threads may reference it until the process ends.
  Engine* engine = new Engine(isolate, context, node::GetCurrentEventLoop(isolate), info[0].As<Function>(),
                              info[1].As<Function>(), info[2].As<Function>());
  node::AddEnvironmentCleanupHook(isolate, Cleanup, engine);

  Local<External> data = v8compat::NewExternal(isolate, engine, v8compat::ExternalTag::kEngine);
  static const ApiFunction functions[] = {
      {"assign", AssignFn},
      {"switchTo", SwitchToFn},
      {"current", CurrentFn},
      {"runOnce", RunOnceFn},
      {"stop", StopFn},
      {"armTimer", ArmTimerFn},
      {"armHub", ArmHubFn},
      {"loopAlive", LoopAliveFn},
      {"loopIdleMs", LoopIdleMsFn},
      {"terminate", TerminateFn},
      {"stats", StatsFn},
      {"setCpuShared", SetCpuSharedFn},
      {"widenCpus", WidenCpusFn},
      {"setStackSize", SetStackSizeFn},
      {"shareCounts", ShareCountsFn},
      {"failNextThreadCreate", FailNextThreadCreateFn},
      {"asyncFrame", AsyncFrameFn},
      {"enterAsyncFrame", EnterAsyncFrameFn},
      {"keepAsyncFrames", KeepAsyncFramesFn},
      {"inWorker", InWorkerFn},
  };
  info.GetReturnValue().Set(NewApi(isolate, context, data, functions));
}

}  // namespace
}  // namespace tinyevent

NODE_MODULE_INIT(/* exports, module, context */) {
  v8::Isolate* isolate = tinyevent::v8compat::IsolateOf(context);
  exports
      ->Set(context, v8::String::NewFromUtf8(isolate, "setup").ToLocalChecked(),
            v8::FunctionTemplate::New(isolate, tinyevent::SetupFn)->GetFunction(context).ToLocalChecked())
      .Check();
  tinyevent::watchdog::Register(context, exports);
}
