// Stops the watchdog's work when the process exits, so that its thread is gone
// before Node tears the isolate down (the environment cleanup hook also does).
const pending = new Set<() => void>();
let hooked = false;

export function onExit(stop: () => void): void {
  pending.add(stop);
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const fn of Array.from(pending)) fn();
    pending.clear();
  });
}
