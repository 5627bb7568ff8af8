// monitor(): reports any greenlet (or the root greenlet, or Hub callbacks)
// that runs longer than maxBlockingMs without yielding, with the stack where
// it runs at that moment (gevent's monitor thread and max_blocking_time).
//
// The native watchdog thread notices the stall and interrupts the thread that
// holds the isolate; onBlocked runs there, in the middle of the stalled code.
import { checkOptions, describeValue } from '../core/errors';
import { currentFiber, inHub, root, RootGreenlet, withoutBlocking } from '../core/fiber';
import { fiberName } from '../core/live';
import { nativeWatchdog } from '../core/native';
import { RawGreenlet } from '../core/raw';
import { captureStack } from './stacks';
import { onExit } from './exit';

export interface BlockingReport {
  /** The greenlet that does not yield (the root greenlet for top-level code and Hub callbacks). */
  readonly greenlet: RawGreenlet | RootGreenlet;
  readonly name: string;
  /** How long it has run without yielding so far, in milliseconds. */
  readonly blockedMs: number;
  /** The JavaScript stack where it was running when noticed. */
  readonly stack: string;
}

export interface MonitorOptions {
  /** How long a greenlet may run without yielding, in milliseconds (default 100). */
  maxBlockingMs?: number;
  /** Receives each report instead of stderr. Runs inside the blocked code: it must not block. */
  report?: (info: BlockingReport) => void;
}

export interface MonitorHandle {
  readonly maxBlockingMs: number;
  /** Stops this monitor (a no-op once stopped, or once another monitor() replaced it). */
  stop(): void;
}

interface Active {
  readonly handle: MonitorHandle;
  readonly maxBlockingMs: number;
  readonly report: (info: BlockingReport) => void;
}

let active: Active | undefined;
let reporting = false;

/** True while a report runs (inside interrupted code). */
export function inReport(): boolean {
  return reporting;
}

function defaultReport(info: BlockingReport, maxBlockingMs: number): void {
  const who = info.greenlet === root ? info.name : `<Greenlet "${info.name}">`;
  process.stderr.write(
    `tinyevent monitor: ${who} has run for ${Math.round(info.blockedMs)} ms without yielding ` +
      `(maxBlockingMs ${maxBlockingMs})\n${info.stack}\n`,
  );
}

function onBlocked(blockedMs: number): void {
  const current = active;
  if (current === undefined || reporting) return;
  const stack = captureStack(onBlocked);
  const fiber = currentFiber();
  const greenlet = fiber instanceof RawGreenlet ? fiber : root;
  const name = greenlet === root && inHub() ? 'root (Hub callbacks)' : fiberName(greenlet);
  reporting = true;
  try {
    // It runs in the middle of the interrupted code: that thread cannot park here.
    withoutBlocking('a monitor report', () => current.report({ greenlet, name, blockedMs, stack }));
  } catch (error) {
    process.stderr.write(`tinyevent monitor: the report function threw\n${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    reporting = false;
  }
}

function checkMaxBlocking(value: unknown): number {
  if (value === undefined) return 100;
  if (typeof value !== 'number') throw new TypeError(`maxBlockingMs must be a number of milliseconds, got ${describeValue(value)}`);
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`maxBlockingMs must be a positive, finite number of milliseconds, got ${value}`);
  return value;
}

/**
 * Starts watching for greenlets that run more than `maxBlockingMs` without
 * yielding; each incident is reported once, while it lasts. One monitor runs
 * at a time: a new one replaces the last.
 */
export function monitor(options: MonitorOptions = {}): MonitorHandle {
  const opts = checkOptions(options, 'options');
  const maxBlockingMs = checkMaxBlocking(opts.maxBlockingMs);
  const custom = opts.report;
  if (custom !== undefined && typeof custom !== 'function') throw new TypeError(`report must be a function, got ${describeValue(custom)}`);
  const report = (custom as MonitorOptions['report']) ?? ((info: BlockingReport) => defaultReport(info, maxBlockingMs));
  const handle: MonitorHandle = {
    maxBlockingMs,
    stop(): void {
      if (active?.handle !== handle) return;
      active = undefined;
      nativeWatchdog().setMonitor(0, onBlocked);
    },
  };
  active = { handle, maxBlockingMs, report };
  nativeWatchdog().setMonitor(maxBlockingMs, onBlocked);
  onExit(stopMonitor);
  return handle;
}

function stopMonitor(): void {
  active?.handle.stop();
}
