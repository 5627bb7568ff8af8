# wait() and iwait() over greenlets, Events and AsyncResults: order, count, timeout.
import gevent
from gevent.event import AsyncResult, Event

e = Event()
r = AsyncResult()


def later(d, what):
    gevent.sleep(d)
    what()
    return d


g = gevent.spawn(later, 0.06, lambda: None)
gevent.spawn(later, 0.01, e.set)
gevent.spawn(later, 0.11, lambda: r.set('r'))
names = {id(e): 'event', id(r): 'result', id(g): 'greenlet'}
for obj in gevent.iwait([r, g, e]):
    print('iwait', names[id(obj)])
print('wait ready', len(gevent.wait([e, r, g])))
e2 = Event()
print('wait timeout', gevent.wait([e2], timeout=0.01))
print('wait count', len(gevent.wait([e, e2], count=1)))
print('iwait timeout', [names.get(id(o), 'e2') for o in gevent.iwait([e2, e], timeout=0.01)])
