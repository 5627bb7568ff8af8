# The main greenlet waiting first (on an Event, a join) runs as soon as its turn
# comes, before greenlets that waited after it.
import gevent
from gevent.event import Event

e = Event()


def waiter(n):
    e.wait()
    print('waiter', n)


def setter():
    gevent.sleep(0.01)
    print('set')
    e.set()
    print('after set')


gevent.spawn(setter)
gevent.spawn(waiter, 1)
e.wait()
print('main woke')
gevent.spawn(waiter, 2)
gevent.sleep(0.02)
target = gevent.spawn(gevent.sleep, 0.01)
gevent.spawn(lambda: (target.join(), print('greenlet joined')))
target.join()
print('main joined')
gevent.sleep(0.02)
print('end')
