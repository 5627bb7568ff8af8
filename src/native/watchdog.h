// The watchdog: a native thread that watches whichever thread holds the isolate.
//
// It notices when nothing has yielded for a while (no greenlet switch, no turn
// of the loop, no time spent waiting in the loop's poll) and then asks that
// thread, through Isolate::RequestInterrupt, to call a JavaScript function that
// reports where it is. As a sampler it asks, every interval, for the current
// JavaScript stack and keeps the samples for a .cpuprofile. V8's own CPU
// profiler samples only the thread that started it; an interrupt runs on the
// thread holding the isolate, greenlet threads included.
//
// What is reported, how and when it is switched on is decided in TypeScript.
#pragma once

#include <node.h>
#include <uv.h>
#include <v8.h>

namespace tinyevent {
namespace watchdog {

// Adds `watchdog(progress)` to the addon's exports. `progress` is an
// Int32Array on a SharedArrayBuffer whose first element JavaScript bumps on
// every greenlet switch.
void Register(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

}  // namespace watchdog
}  // namespace tinyevent
