// Messages between a ThreadPool and its workers, and errors in transit.
// Structured clone keeps only an Error's message, stack and built-in class:
// errors travel as SerializedError instead, with `code`, own properties,
// `cause` and AggregateError's `errors`, and the class's name.

/** The function to run: its source, or the name of an export of the pool's file. */
export type Payload = { source: string } | { name: string };

export interface TaskMessage {
  id: number;
  fn: Payload;
  args: unknown[];
}

export interface SerializedError {
  /** The nearest built-in class on its prototype chain ('Error' for anything else). */
  base: string;
  /** Its own class's name (constructor.name), when that is not `base`. */
  className: string;
  name: string;
  message: string;
  stack: string | undefined;
  /** Own enumerable properties (code, errno, syscall, path, ...) that could be cloned. */
  props: Record<string, unknown>;
  /** Own enumerable properties that are errors themselves. */
  errorProps: Record<string, Thrown>;
  cause?: Thrown;
  errors?: Thrown[];
}

/** What was thrown: an Error (serialized) or any other value (cloned). */
export type Thrown = { error: SerializedError } | { value: unknown };

export type ResultMessage = { id: number; ok: true; value: unknown } | { id: number; ok: false; thrown: Thrown };
