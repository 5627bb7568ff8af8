// The V8 API differences between the supported Node lines (20, 22, 24, 26),
// in one place: the rest of the engine calls these and never tests versions.
#pragma once

#include <v8.h>

namespace tinyevent {
namespace v8compat {

// Context::GetIsolate() is gone after V8 14.1 (Node 26). Every caller runs
// inside the context, on the thread that holds its isolate.
inline v8::Isolate* IsolateOf(v8::Local<v8::Context> context) {
#if V8_MAJOR_VERSION > 14 || (V8_MAJOR_VERSION == 14 && V8_MINOR_VERSION > 1)
  static_cast<void>(context);
  return v8::Isolate::GetCurrent();
#else
  return context->GetIsolate();
#endif
}

// Externals carry a type tag where V8 has them (Node 26); one tag per C++ type.
enum class ExternalTag : uint16_t { kEngine = 1, kWatchdog = 2 };

inline v8::Local<v8::External> NewExternal(v8::Isolate* isolate, void* value, ExternalTag tag) {
#ifdef V8_EXTERNAL_POINTER_TAG_COUNT
  return v8::External::New(isolate, value, static_cast<v8::ExternalPointerTypeTag>(tag));
#else
  static_cast<void>(tag);
  return v8::External::New(isolate, value);
#endif
}

inline void* ExternalValue(v8::Local<v8::External> external, ExternalTag tag) {
#ifdef V8_EXTERNAL_POINTER_TAG_COUNT
  return external->Value(static_cast<v8::ExternalPointerTypeTag>(tag));
#else
  static_cast<void>(tag);
  return external->Value();
#endif
}

// The isolate's continuation-preserved embedder data (where Node 22+ keeps
// AsyncLocalStorage's AsyncContextFrame). V8 14 has the V2 forms, on v8::Data.
#if V8_MAJOR_VERSION >= 14
#define TINYEVENT_HAS_CONTINUATION_DATA 1
using ContinuationData = v8::Local<v8::Data>;
inline ContinuationData GetContinuationData(v8::Isolate* isolate) {
  return isolate->GetContinuationPreservedEmbedderDataV2();
}
inline void SetContinuationData(v8::Isolate* isolate, ContinuationData data) {
  isolate->SetContinuationPreservedEmbedderDataV2(data);
}
#elif V8_MAJOR_VERSION >= 12
#define TINYEVENT_HAS_CONTINUATION_DATA 1
using ContinuationData = v8::Local<v8::Value>;
inline ContinuationData GetContinuationData(v8::Isolate* isolate) {
  return isolate->GetContinuationPreservedEmbedderData();
}
inline void SetContinuationData(v8::Isolate* isolate, ContinuationData data) {
  isolate->SetContinuationPreservedEmbedderData(data);
}
#endif

// A strong handle of the continuation data's type (v8::Data on V8 14, a value before).
#ifdef TINYEVENT_HAS_CONTINUATION_DATA
#if V8_MAJOR_VERSION >= 14
using ContinuationGlobal = v8::Global<v8::Data>;
#else
using ContinuationGlobal = v8::Global<v8::Value>;
#endif
#endif

// The async context frame as a JavaScript value (undefined where the isolate
// has none, or this V8 keeps no continuation data), and back.
inline v8::Local<v8::Value> AsyncFrame(v8::Isolate* isolate) {
#ifdef TINYEVENT_HAS_CONTINUATION_DATA
  ContinuationData data = GetContinuationData(isolate);
  if (!data.IsEmpty() && data->IsValue()) return data.As<v8::Value>();
#endif
  return v8::Undefined(isolate);
}

inline void SetAsyncFrame(v8::Isolate* isolate, v8::Local<v8::Value> frame) {
#ifdef TINYEVENT_HAS_CONTINUATION_DATA
  SetContinuationData(isolate, frame);
#else
  static_cast<void>(isolate);
  static_cast<void>(frame);
#endif
}

}  // namespace v8compat
}  // namespace tinyevent
