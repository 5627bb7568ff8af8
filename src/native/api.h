// The JavaScript face of a native object: one plain object of functions that
// all carry the same `data` (the External naming the engine or the watchdog).
#pragma once

#include <v8.h>

#include <cstddef>

namespace tinyevent {

struct ApiFunction {
  const char* name;
  v8::FunctionCallback fn;
};

template <size_t N>
v8::Local<v8::Object> NewApi(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> data,
                             const ApiFunction (&functions)[N]) {
  v8::Local<v8::Object> api = v8::Object::New(isolate);
  for (const ApiFunction& f : functions) {
    v8::Local<v8::Function> fn = v8::FunctionTemplate::New(isolate, f.fn, data)->GetFunction(context).ToLocalChecked();
    api->Set(context, v8::String::NewFromUtf8(isolate, f.name).ToLocalChecked(), fn).Check();
  }
  return api;
}

}  // namespace tinyevent
