// The environment switches of the observability tools, read once at load:
// TINYEVENT_MONITOR=<ms> starts monitor({ maxBlockingMs }), TINYEVENT_CPU_PROF=<file>
// profiles the whole run into <file> (a .cpuprofile). TINYEVENT_SPAWN_STACKS=1
// is read by core/live.ts.
import { monitor } from './monitor';
import { profileToFile } from './profile';

const APPLIED = Symbol.for('tinyevent.observe.env.v1');
const holder = globalThis as { [APPLIED]?: boolean };

function applyEnv(): void {
  const ms = process.env.TINYEVENT_MONITOR;
  if (ms !== undefined && ms !== '' && ms !== '0') {
    const value = Number(ms);
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(`TINYEVENT_MONITOR must be a positive number of milliseconds, got ${JSON.stringify(ms)}`);
    }
    monitor({ maxBlockingMs: value });
  }
  const file = process.env.TINYEVENT_CPU_PROF;
  if (file !== undefined && file !== '') profileToFile(file);
}

if (!holder[APPLIED]) {
  holder[APPLIED] = true;
  applyEnv();
}
