// startProfile() / stopProfile(): a CPU profile that includes greenlets.
//
// V8's CPU profiler (--cpu-prof, the inspector's Profiler domain) samples only
// the thread that started it, so time spent in greenlet threads is missing
// from it. This sampler asks whichever thread holds the isolate for its
// JavaScript stack every interval (the native watchdog interrupts it) and
// writes the Chrome DevTools .cpuprofile format, which speedscope also reads.
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';

import { checkOptions, describeValue } from '../core/errors';
import { nativeWatchdog, NativeProfile } from '../core/native';
import { onExit } from './exit';

export interface CpuProfileCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based; -1 for the synthetic (root), (idle) and (program) nodes. */
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CpuProfileCallFrame;
  hitCount: number;
  children?: number[];
}

/** The Chrome DevTools .cpuprofile format (the inspector's Profiler.Profile). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds (monotonic clock). */
  startTime: number;
  endTime: number;
  /** The leaf node of each sample. */
  samples: number[];
  /** Microseconds between samples (the first one since startTime). */
  timeDeltas: number[];
}

export interface ProfileOptions {
  /** Microseconds between samples (default 1000; at least 100). */
  intervalUs?: number;
}

function checkInterval(value: unknown): number {
  if (value === undefined) return 1000;
  if (typeof value !== 'number') throw new TypeError(`intervalUs must be a number of microseconds, got ${describeValue(value)}`);
  if (!(value >= 100) || !Number.isFinite(value)) throw new RangeError(`intervalUs must be a finite number of at least 100 microseconds, got ${value}`);
  return value;
}

function urlOf(name: string): string {
  return name.startsWith('/') ? pathToFileURL(name).href : name;
}

/** Turns the watchdog's parallel arrays into a .cpuprofile. */
export function toCpuProfile(raw: NativeProfile): CpuProfile {
  const synthetic = (i: number): boolean => i < 3; // (root), (idle), (program)
  const nodes: CpuProfileNode[] = raw.names.map((name, i) => ({
    id: i + 1,
    callFrame: {
      functionName: name,
      scriptId: String(raw.scriptIds[i]),
      url: urlOf(raw.urls[i]),
      lineNumber: synthetic(i) ? -1 : raw.lines[i] - 1,
      columnNumber: synthetic(i) ? -1 : raw.columns[i] - 1,
    },
    hitCount: 0,
  }));
  raw.parents.forEach((parent, i) => {
    if (parent < 0) return;
    (nodes[parent].children ??= []).push(i + 1);
  });
  for (const sample of raw.samples) nodes[sample].hitCount++;
  let last = raw.startTime;
  const timeDeltas = raw.times.map((time) => {
    const delta = Math.max(0, Math.round(time - last));
    last = Math.max(last, time);
    return delta;
  });
  return {
    nodes,
    startTime: Math.round(raw.startTime),
    endTime: Math.round(raw.endTime),
    samples: raw.samples.map((sample) => sample + 1),
    timeDeltas,
  };
}

/** Starts sampling every greenlet's JavaScript stack. Throws if a profile is already running. */
export function startProfile(options: ProfileOptions = {}): void {
  const opts = checkOptions(options, 'options');
  const interval = checkInterval(opts.intervalUs);
  const dog = nativeWatchdog();
  if (dog.profiling()) throw new Error('a tinyevent CPU profile is already running; stopProfile() it first');
  dog.startProfile(interval);
  onExit(stopQuietly);
}

/** Stops sampling and returns the profile (save it as JSON in a .cpuprofile file). */
export function stopProfile(): CpuProfile {
  const dog = nativeWatchdog();
  if (!dog.profiling()) throw new Error('no tinyevent CPU profile is running; call startProfile() first');
  return toCpuProfile(dog.stopProfile());
}

function stopQuietly(): void {
  const dog = nativeWatchdog();
  if (dog.profiling()) dog.stopProfile();
}

/** Profiles from now until the process exits, then writes the profile to `file` (TINYEVENT_CPU_PROF). */
export function profileToFile(file: string): void {
  // Registered before startProfile's own exit hook, so it runs first.
  onExit(() => {
    if (!nativeWatchdog().profiling()) return;
    try {
      fs.writeFileSync(file, JSON.stringify(stopProfile()));
    } catch (error) {
      process.stderr.write(`tinyevent: could not write the CPU profile to ${file}: ${String(error)}\n`);
    }
  });
  startProfile();
}
