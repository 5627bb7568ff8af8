# Cases from gevent's test__pool.py, printed instead of asserted.
import gevent
from gevent.event import Event
from gevent.pool import Pool, PoolFull
from gevent.queue import Queue

# test_multiple_coros
evt = Event()
results = []


def producer():
    gevent.sleep(0.001)
    results.append('prod')
    evt.set()


def consumer():
    results.append('cons1')
    evt.wait()
    results.append('cons2')


pool = Pool(2)
done = pool.spawn(consumer)
pool.apply_async(producer)
done.get()
print('multiple_coros', results)

# test_reentrant
pool = Pool(1)
print('reentrant', pool.apply(pool.apply, (lambda a: a + 1, (5,))))
evt = Event()
pool.apply_async(evt.set)
print('apply_async set', evt.wait())

# test_execute_async
p = Pool(size=2)
r = []
first = p.spawn(r.append, 1)
print('free', p.free_count())
first.get()
gevent.sleep(0)
print('free after', p.free_count(), r)
gs = [p.apply_async(r.append, (2,))]
print('free', p.free_count(), r)
gs.append(p.apply_async(r.append, (3,)))
print('free', p.free_count(), r)
gs.append(p.apply_async(r.append, (4,)))
print('full, still', r)
gevent.joinall(gs)
print('execute_async', sorted(r))

# test_discard
p = Pool(size=1)
first = p.spawn(gevent.sleep, 1000)
p.discard(first)
first.kill()
print('discard', bool(first), len(p), p.free_count())

# test_add_method, non-blocking, timeout, start timeout
p = Pool(size=1)
first = gevent.spawn(gevent.sleep, 1000)
second = gevent.spawn(gevent.sleep, 1000)
p.add(first)
print('add', p.free_count(), len(p))
try:
    with gevent.Timeout(0.05):
        p.add(second)
except gevent.Timeout:
    print('add blocked until Timeout', p.free_count(), len(p))
for kwargs in ({'blocking': False}, {'timeout': 0.05}):
    try:
        p.add(second, **kwargs)
    except PoolFull:
        print('PoolFull', sorted(kwargs))
third = gevent.Greenlet(gevent.sleep, 1000)
try:
    p.start(third, timeout=0.05)
except PoolFull:
    print('start: PoolFull', third.started)
for g in (first, second, third):
    g.kill()

# TestSpawn, testSpawnAndWait, TestJoinEmpty
p = Pool(1)
p.spawn(gevent.sleep, 0.05)
print('spawn', len(p))
p.spawn(gevent.sleep, 0.05)
print('second spawn waited', len(p))
print('join timeout', p.join(0.01))
print('join', p.join(), len(p))
print('join empty', Pool().join())

# test_imap_unordered_sleep, test_imap_no_stop, final sleep
p = Pool(3)
print('imap_unordered_sleep', list(p.imap_unordered(lambda x: (gevent.sleep(x / 20.), str(x))[1], [10, 1, 2])))
q = Queue()
q.put(123)
gevent.spawn_later(0.05, q.put, StopIteration)
print('imap_no_stop', list(p.imap(lambda x: x, q)))


def final_sleep():
    for i in range(3):
        yield i
    gevent.sleep(0.05)


print('imap_final_sleep', list(p.imap(lambda x: x * x, final_sleep())))
print('imap_unordered_final_sleep', sorted(p.imap_unordered(lambda x: x * x, final_sleep())))


# TestErrorInIterator
class ExpectedException(Exception):
    pass


def error_iter():
    yield 1
    yield 2
    raise ExpectedException('from the iterator')


p = Pool(3)
try:
    p.map(lambda x: None, error_iter())
except ExpectedException as e:
    print('error in iterator: map', e)
try:
    list(p.imap_unordered(lambda x: None, error_iter()))
except ExpectedException as e:
    print('error in iterator: imap_unordered', e)
gevent.sleep(0.001)


# TestErrorInHandler
def divide_by(x):
    return 1.0 / x


try:
    Pool(3).map(divide_by, [1, 0, 2])
except ZeroDivisionError:
    print('map ZeroDivisionError')
for meth in ('imap', 'imap_unordered'):
    it = getattr(Pool(1), meth)(divide_by, [1, 0, 2])
    out = []
    for _ in range(4):
        try:
            out.append(next(it))
        except ZeroDivisionError:
            out.append('ZeroDivisionError')
        except StopIteration:
            out.append('StopIteration')
    print(meth, out)

# test_imap_unordered_bounded_queue: maxsize=1 keeps at most one result waiting
running = [0]


def short(i):
    running[0] += 1
    return i


for meth in ('imap_unordered', 'imap'):
    running[0] = 0
    most = 0
    got = []
    for i, x in enumerate(getattr(Pool(10), meth)(short, range(20), maxsize=1)):
        most = max(most, running[0] - i)
        got.append(x)
        gevent.sleep(0.001)
    print('bounded', meth, sorted(got) == list(range(20)), 'never more than 2 ahead', most <= 2)
