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
export {
  getOriginal,
  greenletLocal,
  isPatched,
  patch_all,
  patchAll,
  patchCallbacks,
  patchChildProcess,
  patchCrypto,
  patchDeasync,
  patchFs,
  patchNet,
  patchTimers,
  patchZlib,
  serialize,
  unpatchAll,
} from './monkey';
export type { PatchAllOptions, Target as PatchTarget } from './monkey';
export { Event } from './primitives/event';
export { AsyncResult } from './primitives/asyncresult';
export type { LinkableCallback } from './core/linkable';
export { Empty, Full, LifoQueue, PriorityQueue, Queue, StopIteration } from './primitives/queue';
export type { BlockOptions, PriorityQueueOptions } from './primitives/queue';
export { JoinableQueue } from './primitives/joinablequeue';
export { Channel } from './primitives/channel';
export { BoundedSemaphore, Lock, Semaphore } from './primitives/semaphore';
export type { AcquireOptions } from './primitives/semaphore';
export { RLock } from './primitives/rlock';
export { local } from './primitives/local';
export type { LocalConstructor } from './primitives/local';
export { Group } from './primitives/group';
export type { ImapOptions, JoinOptions, KillOptions, SomeGreenlet } from './primitives/group';
export { Pool } from './primitives/pool';
export type { AddOptions } from './primitives/pool';
export * as net from './net';
export * as http from './http';
export { StreamServer } from './net/server';
export { DatagramServer } from './net/datagram-server';
export { ThreadPool, ThreadPoolClosedError, threadpool } from './threadpool';
export type { PoolFunction, ThreadPoolOptions } from './threadpool';
export { monitor } from './observe/monitor';
export type { BlockingReport, MonitorHandle, MonitorOptions } from './observe/monitor';
export { formatRunInfo, printRunInfo, runInfo } from './observe/runinfo';
export type { GreenletInfo, GreenletState } from './observe/runinfo';
export { startProfile, stopProfile } from './observe/profile';
export type { CpuProfile, CpuProfileCallFrame, CpuProfileNode, ProfileOptions } from './observe/profile';
import './observe/env';
