# Queue: blocking get/put in FIFO order, maxsize, Full/Empty, peek, iteration.
import gevent
from gevent.queue import Empty, Full, Queue

q = Queue(2)
q.put(1)
q.put(2)
print('full', q.full(), q.qsize())
try:
    q.put(3, timeout=0.01)
except Full:
    print('Full after timeout')
try:
    q.put_nowait(3)
except Full:
    print('Full nowait')
print('peek', q.peek(), q.qsize())


def putter(n):
    print('putter', n, 'waits')
    q.put(n)
    print('putter', n, 'done')


ps = [gevent.spawn(putter, n) for n in (3, 4)]
gevent.sleep(0)
print('get', q.get())
gevent.sleep(0)
print('get', q.get(), q.get(), q.get())
gevent.joinall(ps)
print('empty', q.empty())
try:
    q.get_nowait()
except Empty:
    print('Empty nowait')


def getter(name):
    print(name, 'got', q.get())


gs = [gevent.spawn(getter, name) for name in 'ab']
gevent.sleep(0)
q.put('x')
q.put('y')
gevent.joinall(gs)
q2 = Queue(items=[1, 2])
q2.put(StopIteration)
print('iterate', list(q2))
