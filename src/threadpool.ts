// tinyevent/threadpool: gevent's ThreadPool on worker_threads.
import { ThreadPool } from './threadpool/pool';

export { ThreadPool } from './threadpool/pool';
export type { PoolFunction, ThreadPoolOptions } from './threadpool/pool';
export { ThreadPoolClosedError } from './threadpool/errors';

/** The default pool, sized to the CPUs; its threads start on first use. */
export const threadpool: ThreadPool = new ThreadPool();
