// Node keeps one async-context stack (async ids and resources: what
// AsyncResource.runInAsyncScope pushes) for the whole isolate, not one per
// thread. A greenlet that parks inside runInAsyncScope would leave its frames
// on top of the stack for the next thread to pop: Node aborts with "async hook
// stack has become corrupted". So a greenlet thread that parks takes the frames
// it pushed off the stack, and puts them back when it resumes (node-fibers did
// the same around its switches).

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

/** process.binding('async_wrap'), without the deprecation warning Node prints on first access. */
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

function loadBinding(): AsyncWrapBinding | undefined {
  try {
    const binding = quietBinding();
    const ok =
      typeof binding.popAsyncContext === 'function' &&
      typeof binding.pushAsyncContext === 'function' &&
      binding.async_hook_fields instanceof Uint32Array &&
      binding.async_id_fields instanceof Float64Array &&
      binding.async_ids_stack instanceof Float64Array &&
      Array.isArray(binding.execution_async_resources) &&
      typeof binding.constants?.kStackLength === 'number';
    return ok ? binding : undefined;
  } catch {
    return undefined; // a Node without it: frames stay as they are
  }
}

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
