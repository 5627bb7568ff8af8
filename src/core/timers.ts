// Node clamps setTimeout delays above 2^31-1 ms to 1 ms; chain timers instead.
const MAX_DELAY = 2147483647;
// Captured at load, so Hub timers stay Hub callbacks if a patch wraps the globals later.
const nodeSetTimeout = globalThis.setTimeout;
const nodeClearTimeout = globalThis.clearTimeout;

export interface TimerHandle {
  cancel(): void;
}

/** Calls `callback` after `ms` (any non-negative duration; Infinity never fires). */
export function startTimer(ms: number, callback: () => void): TimerHandle {
  let timer: NodeJS.Timeout | undefined;
  let left = ms;
  const arm = (): void => {
    const step = Math.min(left, MAX_DELAY);
    left -= step;
    timer = nodeSetTimeout(left > 0 ? arm : callback, step);
  };
  if (ms !== Infinity) arm();
  return {
    cancel(): void {
      if (timer !== undefined) nodeClearTimeout(timer);
      timer = undefined;
    },
  };
}
