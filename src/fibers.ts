// tinyevent/fibers: node-fibers' `require('fibers')`, on tinyevent's engine.
// module.exports is the Fiber function itself, as node-fibers' is.
import * as impl from './fibers/fiber';

const Fiber: impl.FiberConstructor = impl.Fiber;
type Fiber = impl.Fiber;

export = Fiber;
