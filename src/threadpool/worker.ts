// The code each pool worker runs. It is sent by its source (Worker `eval`), so
// it must be self-contained: no imports, nothing from this module's scope.
// Types only come from the protocol.
import type { Payload, ResultMessage, SerializedError, TaskMessage, Thrown } from './protocol';

export function workerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { pathToFileURL } = require('node:url') as typeof import('node:url');
  const filename = (workerData as { filename?: string }).filename;
  const port = parentPort as import('node:worker_threads').MessagePort;
  // Functions sent by their source see globals only: give them require() too.
  const g = globalThis as { require?: unknown };
  g.require ??= require;

  const BUILTIN = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError', 'DOMException'];
  const compiled = new Map<string, (...args: unknown[]) => unknown>();
  let loaded: Promise<Record<string, unknown>> | undefined;

  function compile(source: string): (...args: unknown[]) => unknown {
    let fn = compiled.get(source);
    if (fn !== undefined) return fn;
    let value: unknown;
    try {
      value = (0, eval)(`(${source}\n)`);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      value = Object.values((0, eval)(`({${source}\n})`) as object)[0]; // method shorthand: f(x) { ... }
    }
    if (typeof value !== 'function') throw new TypeError(`the source sent to the worker is not a function: ${source.slice(0, 80)}`);
    fn = value as (...args: unknown[]) => unknown;
    if (compiled.size >= 256) compiled.delete(compiled.keys().next().value as string);
    compiled.set(source, fn);
    return fn;
  }

  async function load(): Promise<Record<string, unknown>> {
    try {
      return require(filename as string) as Record<string, unknown>;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
      // Written through eval: a CommonJS build would turn a literal import() into require().
      const importModule = (0, eval)('(url) => import(url)') as (url: string) => Promise<Record<string, unknown>>;
      return await importModule(pathToFileURL(filename as string).href);
    }
  }

  async function resolve(fn: Payload): Promise<(...args: unknown[]) => unknown> {
    if ('source' in fn) return compile(fn.source);
    loaded ??= load();
    const mod = await loaded;
    const found = mod[fn.name] ?? (mod.default as Record<string, unknown> | undefined)?.[fn.name];
    if (typeof found !== 'function') throw new TypeError(`${filename} has no exported function ${JSON.stringify(fn.name)}`);
    return found as (...args: unknown[]) => unknown;
  }

  function cloneable(value: unknown): boolean {
    try {
      structuredClone(value);
      return true;
    } catch {
      return false;
    }
  }

  function serialize(thrown: unknown, depth: number): Thrown {
    if (!(thrown instanceof Error) || depth > 8) return { value: cloneable(thrown) ? thrown : String(thrown) };
    const error = thrown as Error & { cause?: unknown; errors?: unknown[] };
    let base = 'Error';
    for (let proto = Object.getPrototypeOf(error) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? '';
      if (BUILTIN.includes(name) && (globalThis as Record<string, { prototype?: unknown } | undefined>)[name]?.prototype === proto) {
        base = name;
        break;
      }
    }
    const props: Record<string, unknown> = {};
    const errorProps: Record<string, Thrown> = {};
    for (const key of Object.keys(error)) {
      const value = (error as unknown as Record<string, unknown>)[key];
      if (key === 'cause' || key === 'errors') continue;
      if (value instanceof Error) errorProps[key] = serialize(value, depth + 1);
      else props[key] = cloneable(value) ? value : String(value);
    }
    const out: SerializedError = {
      base,
      className: (error.constructor as { name?: string } | undefined)?.name ?? base,
      name: error.name,
      message: error.message,
      stack: error.stack,
      props,
      errorProps,
    };
    if ('cause' in error) out.cause = serialize(error.cause, depth + 1);
    if (Array.isArray(error.errors)) out.errors = error.errors.map((e) => serialize(e, depth + 1));
    return { error: out };
  }

  function reply(message: ResultMessage): void {
    try {
      port.postMessage(message);
    } catch (error) {
      port.postMessage({ id: message.id, ok: false, thrown: serialize(error, 0) } satisfies ResultMessage); // a result that cannot be cloned
    }
  }

  port.on('message', (task: TaskMessage) => {
    void (async () => {
      try {
        const fn = await resolve(task.fn);
        reply({ id: task.id, ok: true, value: await fn(...task.args) });
      } catch (error) {
        reply({ id: task.id, ok: false, thrown: serialize(error, 0) });
      }
    })();
  });
}
