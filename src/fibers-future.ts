// tinyevent/fibers/future: node-fibers' `require('fibers/future')`, on
// tinyevent's engine. module.exports is the Future class itself; loading it
// installs Function.prototype.future, as node-fibers' module does.
import * as impl from './fibers/future';

impl.installFunctionFuture();

const Future: typeof impl.Future = impl.Future;
type Future<T = unknown> = impl.Future<T>;

export = Future;
