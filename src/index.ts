// tinyevent: gevent for Node.js.
export { BlockingSwitchOutError, GreenletExit, LoopExit } from './core/errors';
export { RootGreenlet } from './core/fiber';
export { getcurrent, RawGreenlet } from './core/raw';
export { Greenlet, setErrorHandler, spawn, spawnLater } from './core/greenlet';
export type { ErrorHandler, LinkCallback, Waitable } from './core/greenlet';
export { Timeout, withTimeout } from './core/timeout';
export type { TimeoutException } from './core/timeout';
export { iwait, joinall, killall, sleep, wait, waitFor } from './core/waiting';
export { stats } from './core/stats';
export type { EngineStats } from './core/native';
