// Where the engine keeps each of its counters in the Float64Array it shares
// with JavaScript (src/native/engine.h, Engine::Count).
export const COUNT = { switches: 0, sleeperWakes: 1, briefHandoffs: 2, threadsMade: 3, length: 4 } as const;
