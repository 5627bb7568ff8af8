// Functions a ThreadPool test runs by export name (filename option).
'use strict';
class QuotaError extends RangeError {
  constructor(message) {
    super(message);
    this.name = 'QuotaError';
    this.code = 'E_QUOTA';
    this.limit = 10;
  }
}
exports.add = (a, b) => a + b;
exports.threadId = () => require('node:worker_threads').threadId;
exports.failQuota = () => {
  throw new QuotaError('over quota');
};
exports.notAFunction = 42;
