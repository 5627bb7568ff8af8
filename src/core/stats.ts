import { engine, EngineStats } from './native';

/** Counters of the native engine: greenlet threads created, idle, started. */
export function stats(): EngineStats {
  return engine.stats();
}
