// libuv runs every asynchronous file call on a pool of threads, 4 by
// default, started on first use. Patched fs calls wait on that pool, so four
// greenlets blocked in slow reads (a FIFO, a hung network mount) would stall
// every other file call of the program. Before the pool starts, register sizes
// it for greenlet concurrency, unless the user chose a size.
import * as os from 'node:os';

/** The pool size register asks for when UV_THREADPOOL_SIZE is unset. */
export const GREENLET_THREADPOOL_SIZE = 64;

/** Sets UV_THREADPOOL_SIZE for libuv (read when its pool starts) unless it is set; returns the size in force. */
export function sizeThreadPool(): string {
  const chosen = process.env.UV_THREADPOOL_SIZE;
  if (chosen !== undefined && chosen.trim() !== '') return chosen;
  // Never fewer than Node's own default would give on a big machine.
  const size = String(Math.max(GREENLET_THREADPOOL_SIZE, os.availableParallelism?.() ?? os.cpus().length));
  process.env.UV_THREADPOOL_SIZE = size;
  return size;
}
