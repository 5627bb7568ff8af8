import gevent
from gevent.event import Event
e = Event()
def w(n):
    e.wait(); print('waiter', n)
    if n == 0:
        e.wait(); print('waiter 0 again')
for i in range(3): gevent.spawn(w, i)
gevent.sleep(0)
e.set()
print('main after set')
gevent.sleep(0.05)
print('main done')
