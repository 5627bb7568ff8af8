// tinyevent/greenlet: the `greenlet` module (raw greenlets, explicit switches).
export { GreenletExit } from './core/errors';
export { RootGreenlet } from './core/fiber';
export { getcurrent, greenlet, RawGreenlet } from './core/raw';
