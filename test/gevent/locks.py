# Semaphore (FIFO waiters), BoundedSemaphore, RLock re-entrance and ownership.
import gevent
from gevent.lock import BoundedSemaphore, RLock, Semaphore

s = Semaphore(1)
print('acquire', s.acquire(), 'locked', s.locked(), 'counter', s.counter)


def waiter(n):
    s.acquire()
    print('waiter', n, 'acquired')
    gevent.sleep(0)
    s.release()


ws = [gevent.spawn(waiter, n) for n in range(3)]
gevent.sleep(0)
print('nonblocking', s.acquire(blocking=False))
print('timeout', s.acquire(timeout=0.01))
s.release()
gevent.joinall(ws)
print('counter', s.counter)
b = BoundedSemaphore(1)
b.acquire()
b.release()
try:
    b.release()
except ValueError:
    print('BoundedSemaphore: ValueError on extra release')
r = RLock()
r.acquire()
r.acquire()
print('rlock twice')


def other():
    print('other gets it', r.acquire(timeout=0.01))


gevent.spawn(other).join()
r.release()
r.release()
gevent.spawn(other).join()
