// The one way to block: park the current greenlet (or root) until something it
// armed wakes it, a throw-in (kill, Timeout) hits it, or `timeout` passes.
import { beginPark, cancelPark, currentFiber, isParkedWith, Msg, park, wake } from './fiber';
import { startTimer, TimerHandle } from './timers';

export const TIMED_OUT: unique symbol = Symbol('tinyevent.timedOut');
const TIMEOUT_MSG: Msg = Object.freeze({ error: false, value: TIMED_OUT });

/** Wakes the blocked greenlet with `msg`; returns false if it was already woken. */
export type Wake = (msg: Msg) => boolean;
/** True while nothing has woken the blocked greenlet yet (a wake would reach it). */
export type CanWake = () => boolean;
/** Undoes what `arm` registered; called once the wait ends, however it ends. */
export type Disarm = () => void;

/**
 * Blocks the current greenlet. `arm` registers whatever will wake it (it may
 * call `wake` at once). Returns the message it was woken with (an error message
 * for a kill or Timeout: unwrap() throws it), or TIMED_OUT. `patient`: only
 * a timer a millisecond or more away can wake it (see park()).
 */
export function block(
  label: string,
  timeout: number | undefined,
  arm: (wake: Wake, canWake: CanWake) => Disarm | void,
  patient = false,
): Msg | typeof TIMED_OUT {
  const self = currentFiber();
  const seq = beginPark(self, label);
  let disarm: Disarm | void = undefined;
  let timer: TimerHandle | undefined;
  try {
    disarm = arm(
      (msg) => wake(self, seq, msg),
      () => isParkedWith(self, seq),
    );
    if (timeout !== undefined && timeout !== Infinity) timer = startTimer(timeout, () => wake(self, seq, TIMEOUT_MSG));
  } catch (error) {
    cancelPark(self, seq);
    if (disarm) disarm();
    throw error;
  }
  try {
    const msg = park(self, seq, patient);
    return msg === TIMEOUT_MSG ? TIMED_OUT : msg;
  } finally {
    timer?.cancel();
    if (disarm) disarm();
  }
}
