// JavaScript stacks as the observability tools show them: frame lines only,
// tinyevent's own frames at the top left out.
import * as path from 'node:path';

// src/ when run from the sources, dist/cjs/ when built.
const ownDir = path.resolve(__dirname, '..') + path.sep;

function isInternal(line: string): boolean {
  return line.includes(ownDir) || line.includes('(node:') || line.trimStart().startsWith('at node:');
}

/** The current stack below `skip` (which and whose callers above are hidden), as "    at ..." lines. */
export function captureStack(skip: (...args: never[]) => unknown, limit = 50): string {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = limit;
  const holder: { stack?: string } = {};
  try {
    Error.captureStackTrace(holder, skip);
  } finally {
    Error.stackTraceLimit = saved;
  }
  return framesOf(holder.stack ?? '');
}

/** The frame lines of a V8 stack string (its "Error: message" header dropped). */
export function framesOf(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
}

/** Drops the frames of tinyevent (and Node internals) above the first frame of the program's own code. */
export function trimInternalTop(frames: string): string {
  const lines = frames.split('\n');
  let first = 0;
  while (first < lines.length - 1 && isInternal(lines[first])) first++;
  return lines.slice(first).join('\n');
}
