// Node keeps one async-context stack (async ids and resources: what
// AsyncResource.runInAsyncScope pushes) for the whole isolate, not one per
// thread. A greenlet that parks inside runInAsyncScope would leave its frames
// on top of the stack for the next thread to pop: Node aborts with "async hook
// stack has become corrupted". So a greenlet thread that parks takes the frames
// it pushed off the stack, and puts them back when it resumes (node-fibers did
// the same around its switches). The stack is reached through Node's
// async_wrap binding: process.binding hands it out on Node 20 and 22; on 24+
// it is read from a closure through the in-process inspector (with the
// permission model, that needs --allow-inspector). Where the binding cannot be
// had, frames stay put.

interface AsyncWrapBinding {
  popAsyncContext(asyncId: number): boolean;
  pushAsyncContext(asyncId: number, triggerAsyncId: number): void;
  executionAsyncResource(index: number): object | undefined;
  async_hook_fields: Uint32Array;
  async_id_fields: Float64Array;
  async_ids_stack: Float64Array;
  execution_async_resources: (object | undefined)[];
  constants: { kStackLength: number; kExecutionAsyncId: number; kTriggerAsyncId: number };
}

/** process.binding('async_wrap') (Node 20, 22), without the deprecation warning Node prints on first access. */
function quietBinding(): AsyncWrapBinding {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, ...args: unknown[]): void {
    const code = typeof args[2] === 'string' ? args[2] : (args[1] as { code?: string } | undefined)?.code;
    if (code !== 'DEP0111') Reflect.apply(emitWarning, process, args);
  } as typeof process.emitWarning;
  try {
    return (process as unknown as { binding(name: string): AsyncWrapBinding }).binding('async_wrap');
  } finally {
    process.emitWarning = emitWarning;
  }
}

interface RemoteObject {
  objectId?: string;
}
interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

/**
 * The same binding where Node no longer hands it out (Node 24+): it is a
 * variable of the closure of async_hooks' own executionAsyncResource, which the
 * in-process inspector can read ([[Scopes]]). Undefined if the inspector is
 * missing or refused (a build without it, the permission model).
 */
function bindingFromClosure(): AsyncWrapBinding | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const inspector = require('node:inspector') as typeof import('node:inspector');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { executionAsyncResource } = require('node:async_hooks') as typeof import('node:async_hooks');
  const key = Symbol.for('tinyevent.asyncstack.probe');
  const slot = globalThis as { [key]?: unknown };
  const session = new inspector.Session();
  session.connect();
  // An in-process session answers each post before post returns.
  const post = (method: string, params: object): Record<string, unknown> => {
    let answer: Record<string, unknown> | undefined;
    let failure: Error | null = null;
    session.post(method, params, (error: Error | null, result?: object) => {
      failure = error;
      answer = result as Record<string, unknown> | undefined;
    });
    if (failure !== null || answer === undefined) throw failure ?? new Error(`no answer to ${method}`);
    return answer;
  };
  const properties = (objectId: string | undefined, field: 'result' | 'internalProperties'): PropertyDescriptor[] =>
    (post('Runtime.getProperties', { objectId, ownProperties: true })[field] as PropertyDescriptor[] | undefined) ?? [];
  try {
    slot[key] = executionAsyncResource;
    const fn = post('Runtime.evaluate', { expression: 'globalThis[Symbol.for("tinyevent.asyncstack.probe")]' }).result as RemoteObject;
    const scopes = properties(fn.objectId, 'internalProperties').find((p) => p.name === '[[Scopes]]');
    for (const scope of properties(scopes?.value?.objectId, 'result')) {
      const variable = properties(scope.value?.objectId, 'result').find((p) => p.name === 'async_wrap');
      if (variable?.value?.objectId === undefined) continue;
      post('Runtime.callFunctionOn', {
        objectId: variable.value.objectId,
        functionDeclaration: 'function () { globalThis[Symbol.for("tinyevent.asyncstack.probe")] = this; }',
      });
      return slot[key] as AsyncWrapBinding;
    }
    return undefined;
  } finally {
    delete slot[key];
    session.disconnect();
  }
}

function validBinding(binding: AsyncWrapBinding | undefined): AsyncWrapBinding | undefined {
  const ok =
    binding !== undefined &&
    typeof binding.popAsyncContext === 'function' &&
    typeof binding.pushAsyncContext === 'function' &&
    typeof binding.executionAsyncResource === 'function' &&
    binding.async_hook_fields instanceof Uint32Array &&
    binding.async_id_fields instanceof Float64Array &&
    binding.async_ids_stack instanceof Float64Array &&
    Array.isArray(binding.execution_async_resources) &&
    typeof binding.constants?.kStackLength === 'number';
  return ok ? binding : undefined;
}

function loadBinding(): AsyncWrapBinding | undefined {
  for (const source of [quietBinding, bindingFromClosure]) {
    try {
      const binding = validBinding(source());
      if (binding !== undefined) return binding;
    } catch {
      // not there: try the next source; without any, frames stay as they are
    }
  }
  return undefined;
}

// Looked up at load, on the thread that loads tinyevent, not in the middle of
// a switch (the inspector's lookup takes a few milliseconds).
const binding = loadBinding();

interface Frame {
  readonly asyncId: number;
  readonly triggerAsyncId: number;
  readonly resource: object | undefined;
}

/** How many async-context frames are on the stack now. */
export function asyncDepth(): number {
  return binding === undefined ? 0 : binding.async_hook_fields[binding.constants.kStackLength];
}

/** Takes the frames above `base` off the stack (innermost last in the result); undefined if none. */
export function takeFramesAbove(base: number): Frame[] | undefined {
  if (binding === undefined) return undefined;
  const { async_hook_fields: fields, async_id_fields: ids, execution_async_resources: resources, constants: k } = binding;
  let depth = fields[k.kStackLength];
  if (depth <= base) return undefined;
  const frames: Frame[] = [];
  while (depth > base) {
    const index = depth - 1;
    const asyncId = ids[k.kExecutionAsyncId];
    const resource = resources[index] ?? binding.executionAsyncResource(index);
    frames.push({ asyncId, triggerAsyncId: ids[k.kTriggerAsyncId], resource });
    binding.popAsyncContext(asyncId);
    depth = fields[k.kStackLength];
  }
  return frames.reverse();
}

/** Puts frames taken by takeFramesAbove back on top of the stack, as Node's own push does. */
export function restoreFrames(frames: Frame[] | undefined): void {
  if (frames === undefined || binding === undefined) return;
  const { async_hook_fields: fields, async_id_fields: ids, execution_async_resources: resources, constants: k } = binding;
  for (const frame of frames) {
    const offset = fields[k.kStackLength];
    const stack = binding.async_ids_stack; // replaced when the native side grows it
    resources[offset] = frame.resource;
    if (offset * 2 >= stack.length) {
      binding.pushAsyncContext(frame.asyncId, frame.triggerAsyncId); // grows the native stack
      continue;
    }
    stack[offset * 2] = ids[k.kExecutionAsyncId];
    stack[offset * 2 + 1] = ids[k.kTriggerAsyncId];
    fields[k.kStackLength] = offset + 1;
    ids[k.kExecutionAsyncId] = frame.asyncId;
    ids[k.kTriggerAsyncId] = frame.triggerAsyncId;
  }
}
