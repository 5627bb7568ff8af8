// gevent's Pool: a Group of at most `size` greenlets; spawn() and add() wait
// for a free slot.
import { checkOptions, checkTimeout, describeValue } from '../core/errors';
import { Greenlet } from '../core/greenlet';
import { Group, SomeGreenlet } from './group';
import { Full } from './queue';
import { Semaphore } from './semaphore';

export interface AddOptions {
  /** false: throw Full at once if no slot is free. */
  blocking?: boolean;
  timeout?: number;
}

function checkSize(size: unknown): number {
  if (size === undefined || size === null) return Infinity;
  if (typeof size !== 'number') throw new TypeError(`size must be a number, got ${describeValue(size)}`);
  if (size !== Infinity && (!Number.isInteger(size) || size <= 0)) throw new RangeError(`size must be a positive integer or Infinity, got ${size}`);
  return size;
}

export class Pool extends Group {
  /** The most greenlets it runs at once. */
  readonly poolSize: number;
  readonly #slots: Semaphore | undefined;

  constructor(size: number = Infinity, greenlets?: Iterable<SomeGreenlet>) {
    const checked = checkSize(size);
    super();
    this.poolSize = checked;
    this.#slots = checked === Infinity ? undefined : new Semaphore(checked);
    if (greenlets !== undefined) for (const greenlet of greenlets) this.add(greenlet as Greenlet<unknown>);
  }

  /** Adds a greenlet, waiting for a free slot; throws Full if none came. */
  override add<T>(greenlet: Greenlet<T>, options: AddOptions = {}): void {
    if (!(greenlet instanceof Greenlet)) throw new TypeError(`expected a Greenlet, got ${describeValue(greenlet)}`);
    if (this.has(greenlet)) return;
    const opts = checkOptions(options, 'options');
    const ms = checkTimeout(opts.timeout);
    if (this.#slots !== undefined && !this.#slots.acquire({ blocking: opts.blocking !== false, timeout: ms })) {
      throw new Full(`no free slot in ${String(this)}`);
    }
    super.add(greenlet);
  }

  /** Adds an unstarted greenlet, waiting for a free slot as add() does, and starts it. */
  override start<T>(greenlet: Greenlet<T>, options: AddOptions = {}): void {
    this.add(greenlet, options);
    greenlet.start();
  }

  protected override _onDiscard(): void {
    this.#slots?.release();
  }

  /** Free slots (Infinity for an unbounded pool). */
  freeCount(): number {
    return this.#slots === undefined ? Infinity : this.#slots.counter;
  }

  /** True if spawn() would wait. */
  override full(): boolean {
    return this.#slots !== undefined && this.#slots.locked();
  }

  /** Waits until a slot is free (without taking it); returns freeCount(), 0 after a timeout. */
  override waitAvailable(timeout?: number): number {
    if (this.#slots === undefined) return super.waitAvailable(timeout);
    return this.#slots.wait(timeout);
  }

  override toString(): string {
    return `<Pool size=${this.size}/${this.poolSize}>`;
  }
}
