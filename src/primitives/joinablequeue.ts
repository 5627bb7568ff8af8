// gevent's JoinableQueue: a Queue that counts unfinished tasks.
import { Event } from './event';
import { Queue } from './queue';

export class JoinableQueue<T = unknown> extends Queue<T> {
  #unfinished: number;
  readonly #done = new Event();

  /** `items` count as unfinished tasks, as in gevent. */
  constructor(maxsize: number = Infinity, items?: Iterable<T>) {
    super(maxsize, items);
    this.#unfinished = this.qsize();
    if (this.#unfinished === 0) this.#done.set();
  }

  /** Items put and not yet marked done with taskDone(). */
  get unfinishedTasks(): number {
    return this.#unfinished;
  }

  protected override _onPut(): void {
    this.#unfinished++;
    this.#done.clear();
  }

  /** Marks one item got from the queue as processed; join() returns once all are. */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new RangeError('taskDone() called more times than there were items put');
    if (--this.#unfinished === 0) this.#done.set();
  }

  /** Blocks until every item put was marked done; false if `timeout` ms passed first. */
  join(timeout?: number): boolean {
    return this.#done.wait(timeout);
  }
}
