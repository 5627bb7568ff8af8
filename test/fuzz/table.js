// The fuzz test's table: the bad values, and each export's documented
// behaviour where it is not "a TypeError or RangeError at the call".
//
// Adding an export: nothing to do if every bad value as its first argument is
// a TypeError/RangeError at the call. Otherwise add an entry under its key,
// '<entry point>:<export>' (a method: '<entry point>:<Class>#<method>'):
//   accepts: labels of BAD_VALUES the call takes by contract (it may return,
//            block, or throw another error for them), or 'any';
//   prefixes: argument lists put before the bad value (default [[]]: the bad
//            value is the first argument; [[], [1]] fuzzes the second too);
//   make: () => an instance, whose every public method is fuzzed too, each
//            strictly unless `methods: { name: accepts }` says what it takes;
//   skip: why the fuzz never calls it (process-wide effects).
'use strict';

const revoked = Proxy.revocable({}, {});
revoked.revoke();
const throwing = () => {
  throw new Error('thrown by a bad value');
};

/** [label, make]: make() returns a fresh bad value for each call. */
const BAD_VALUES = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['2^64', () => 2 ** 64],
  ['MAX_VALUE', () => Number.MAX_VALUE],
  ['-1', () => -1],
  ['1.5', () => 1.5],
  ['symbol', () => Symbol('bad')],
  ['bigint', () => 10n],
  ['string', () => 'abc'],
  ['empty object', () => ({})],
  ['array', () => []],
  ['function', () => function bad() {}],
  ['throwing valueOf', () => ({ valueOf: throwing, toString: throwing, [Symbol.toPrimitive]: throwing })],
  ['throwing getters', () => new Proxy({}, { get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing })],
  ['proxy', () => new Proxy({}, {})],
  ['revoked proxy', () => revoked.proxy],
  ['Object.create(null)', () => Object.create(null)],
];

const ALL = BAD_VALUES.map(([label]) => label);
const OBJECTS = ['empty object', 'array', 'throwing getters', 'proxy', 'revoked proxy', 'Object.create(null)', 'function'];

/** Entry points the fuzz does not load. */
const SKIP_ENTRIES = {
  'tinyevent/register': 'importing it patches everything; nothing to call',
};

// Durations: Infinity and huge values mean "practically forever" (blocking
// calls then block), fractions are fine; undefined/null mean "none" where optional.
const LONG = ['Infinity', '2^64', 'MAX_VALUE', '1.5'];
const OPTIONAL = ['undefined', 'null'];
const te = () => require('../..');
const PATCH = { skip: 'patches the process; covered by the monkey tests' };
const ERROR_CLASS = { accepts: 'any' }; // (message?): any value becomes the message, as with Error
const NO_ARGS = { accepts: 'any' }; // takes no arguments; extra ones are ignored, as JavaScript does

// What methods take, by kind of argument.
const ANY = 'any'; // no argument (extras ignored), or any value (an item, a result)
const CALLBACK = ['function'];
const TIMEOUT = [...OPTIONAL, ...LONG]; // (timeout?): blocks for the long ones
// ({ block, timeout, ... }?): any object is an options object; unknown keys are ignored.
const OPTIONS = [...OPTIONAL, 'empty object', 'throwing valueOf', 'proxy', 'Object.create(null)'];
const GIVEN_OBJECT = ['empty object', 'throwing valueOf', 'proxy', 'Object.create(null)'];
const LINKABLE = { rawlink: CALLBACK, unlink: ANY, linkcount: ANY, ready: ANY, toString: ANY };
const QUEUE = {
  ...LINKABLE,
  qsize: ANY, empty: ANY, full: ANY, peek: ANY, peekNowait: ANY, put: ANY, putNowait: ANY,
  get: OPTIONS, getNowait: ANY, taskDone: ANY, join: TIMEOUT, next: ANY,
};
const LOCK = { ...LINKABLE, locked: ANY, acquire: OPTIONS, release: ANY, wait: TIMEOUT, run: CALLBACK, hold: ANY, isOwned: ANY };
const GROUP = {
  has: ANY, discard: ANY, add: [], full: ANY, freeCount: ANY, waitAvailable: TIMEOUT, spawn: CALLBACK, join: OPTIONS,
  kill: ANY, killone: [], apply: CALLBACK, applyAsync: CALLBACK, applyCb: CALLBACK, map: [], imap: [], imapUnordered: [], toString: ANY,
};

const BEHAVIOUR = {
  'tinyevent:BlockingSwitchOutError': ERROR_CLASS,
  'tinyevent:GreenletExit': ERROR_CLASS,
  'tinyevent:LoopExit': ERROR_CLASS,
  'tinyevent:Empty': ERROR_CLASS,
  'tinyevent:Full': ERROR_CLASS,
  'tinyevent/greenlet:GreenletExit': ERROR_CLASS,
  'tinyevent/net:ConcurrentUseError': ERROR_CLASS,
  'tinyevent/net:TimeoutError': ERROR_CLASS,
  'tinyevent/http:TimeoutError': ERROR_CLASS,
  'tinyevent:getcurrent': NO_ARGS,
  'tinyevent/greenlet:getcurrent': NO_ARGS,
  'tinyevent:stats': NO_ARGS,
  'tinyevent:Lock': { ...NO_ARGS, make: () => new (te().Lock)(), methods: LOCK },
  'tinyevent:RLock': { ...NO_ARGS, make: () => new (te().RLock)(), methods: LOCK },
  'tinyevent:Channel': { ...NO_ARGS, make: () => new (te().Channel)(), methods: QUEUE },
  'tinyevent:Event': { ...NO_ARGS, make: () => new (te().Event)(), methods: { ...LINKABLE, isSet: ANY, set: ANY, clear: ANY, wait: TIMEOUT } },
  'tinyevent:AsyncResult': {
    ...NO_ARGS,
    make: () => new (te().AsyncResult)(),
    // getNowait() on an unset result throws a Timeout, as gevent's get_nowait.
    methods: { ...LINKABLE, successful: ANY, set: ANY, setException: ANY, get: OPTIONS, getNowait: ANY, wait: TIMEOUT },
  },
  // (fn?, ...args): a greenlet without a function runs its run() override.
  'tinyevent:RawGreenlet': { accepts: ['undefined', 'function'] },
  'tinyevent/greenlet:RawGreenlet': { accepts: ['undefined', 'function'] },
  'tinyevent/greenlet:greenlet': { accepts: ['undefined', 'function'] },
  'tinyevent:Greenlet': {
    accepts: ['undefined', 'function'],
    make: () => new (te().Greenlet)(() => 1),
    methods: {
      ...LINKABLE, run: ANY, start: ANY, startLater: LONG, link: CALLBACK, linkValue: CALLBACK, linkException: CALLBACK,
      successful: ANY, join: TIMEOUT, get: OPTIONS, kill: ANY,
      // A raw switch into a new greenlet starts it: any value is passed to run.
      switch: ANY, throw: ANY,
    },
  },
  'tinyevent:spawn': { accepts: ['function'] },
  'tinyevent:local': { accepts: ['undefined', 'function'] },
  'tinyevent:setErrorHandler': { accepts: ['null', 'function'] },
  'tinyevent:Timeout': { accepts: [...OPTIONAL, ...LONG], make: () => new (te().Timeout)(1000), methods: { start: ANY, cancel: ANY, toString: ANY } },
  'tinyevent:sleep': { accepts: ['undefined', ...LONG] },
  // (objects): an empty array is nothing to wait for.
  'tinyevent:iwait': { accepts: ['array'] },
  'tinyevent:joinall': { accepts: ['array'] },
  'tinyevent:killall': { accepts: ['array'] },
  'tinyevent:wait': { accepts: ['array'] },
  'tinyevent/monkey:patchTargets': { accepts: ['array'] },
  // (maxsize = Infinity): a positive integer or Infinity.
  'tinyevent:Queue': { accepts: [...OPTIONAL, 'Infinity', '2^64', 'MAX_VALUE'], make: () => new (te().Queue)(2), methods: QUEUE },
  'tinyevent:LifoQueue': { accepts: [...OPTIONAL, 'Infinity', '2^64', 'MAX_VALUE'], make: () => new (te().LifoQueue)(2), methods: QUEUE },
  'tinyevent:PriorityQueue': { accepts: [...OPTIONAL, 'Infinity', '2^64', 'MAX_VALUE'], make: () => new (te().PriorityQueue)(2), methods: QUEUE },
  'tinyevent:JoinableQueue': { accepts: [...OPTIONAL, 'Infinity', '2^64', 'MAX_VALUE'], make: () => new (te().JoinableQueue)(2), methods: QUEUE },
  'tinyevent:Pool': { accepts: [...OPTIONAL, 'Infinity', '2^64', 'MAX_VALUE'], make: () => new (te().Pool)(2), methods: GROUP },
  // (value = 1): a non-negative integer.
  'tinyevent:Semaphore': { accepts: ['undefined', '2^64', 'MAX_VALUE'], make: () => new (te().Semaphore)(1), methods: LOCK },
  'tinyevent:BoundedSemaphore': { accepts: ['undefined', '2^64', 'MAX_VALUE'], make: () => new (te().BoundedSemaphore)(1), methods: LOCK },
  // (greenlets?): an iterable of greenlets; an empty array is an empty group.
  'tinyevent:Group': { accepts: ['undefined', 'array'], make: () => new (te().Group)(), methods: GROUP },
  'tinyevent/http:createServer': { accepts: ['function'] },
  // A name Node cannot resolve is Node's own error (getaddrinfo ENOTFOUND), as the API promises.
  'tinyevent/net:gethostbyname': { accepts: ['string'] },
  // A module name that does not resolve is require()'s own error.
  'tinyevent:getOriginal': { accepts: ['string'] },
  'tinyevent/monkey:getOriginal': { accepts: ['string'] },
  'tinyevent:patchAll': PATCH,
  'tinyevent:patch_all': PATCH,
  'tinyevent:patchCallbacks': PATCH,
  'tinyevent:patchChildProcess': PATCH,
  'tinyevent:patchDeasync': PATCH,
  'tinyevent:patchFs': PATCH,
  'tinyevent:patchNet': PATCH,
  'tinyevent:patchTimers': PATCH,
  'tinyevent:unpatchAll': PATCH,
  'tinyevent/monkey:patchAll': PATCH,
  'tinyevent/monkey:patch_all': PATCH,
  'tinyevent/monkey:patchCallbacks': PATCH,
  'tinyevent/monkey:patchChildProcess': PATCH,
  'tinyevent/monkey:patchDeasync': PATCH,
  'tinyevent/monkey:patchFs': PATCH,
  'tinyevent/monkey:patchNet': PATCH,
  'tinyevent/monkey:patchTimers': PATCH,
  'tinyevent/monkey:unpatchAll': PATCH,
  'tinyevent:patchZlib': PATCH,
  'tinyevent:patchCrypto': PATCH,
  'tinyevent/monkey:patchZlib': PATCH,
  'tinyevent/monkey:patchCrypto': PATCH,
  // (object, keys?): any object's properties can be made greenlet-local.
  'tinyevent:greenletLocal': { accepts: GIVEN_OBJECT },
  'tinyevent/monkey:greenletLocal': { accepts: GIVEN_OBJECT },
  // (moduleName | exports): a name that does not resolve is require()'s own error.
  'tinyevent:serialize': { accepts: ['string', 'array', 'function', ...GIVEN_OBJECT] },
  'tinyevent/monkey:serialize': { accepts: ['string', 'array', 'function', ...GIVEN_OBJECT] },
  // ({ ... } = {}): an options object; unknown keys are ignored.
  'tinyevent:ThreadPool': { accepts: OPTIONS },
  'tinyevent/threadpool:ThreadPool': { accepts: OPTIONS },
  'tinyevent:ThreadPoolClosedError': ERROR_CLASS,
  'tinyevent/threadpool:ThreadPoolClosedError': ERROR_CLASS,
  'tinyevent/net:udp': { accepts: OPTIONS },
  'tinyevent/net:DatagramSocket': { accepts: OPTIONS },
  // Observability: the watchdog and the profiler are one per process.
  'tinyevent:monitor': { skip: 'starts the process-wide watchdog; covered by the observe tests' },
  'tinyevent:startProfile': { skip: 'starts the process-wide profiler; covered by the observe tests' },
  'tinyevent:stopProfile': { skip: 'stops the process-wide profiler; covered by the observe tests' },
  'tinyevent:runInfo': NO_ARGS,
  // (infos = runInfo()) / (stream = process.stderr): undefined is the default.
  'tinyevent:formatRunInfo': { accepts: ['undefined'] },
  'tinyevent:printRunInfo': { accepts: ['undefined'] },
};

module.exports = { ALL, BAD_VALUES, BEHAVIOUR, OBJECTS, SKIP_ENTRIES };
