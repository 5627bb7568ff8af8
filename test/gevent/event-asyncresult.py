# Event and AsyncResult: set, clear, wait return values and timeouts, exceptions.
import gevent
from gevent.event import AsyncResult, Event

e = Event()
print('wait timeout', e.wait(0.01))
gevent.spawn(lambda: (gevent.sleep(0.01), e.set()))
print('wait', e.wait())
print('is_set', e.is_set(), e.ready())
e.clear()
print('cleared', e.is_set())

r = AsyncResult()
print('ready', r.ready(), 'successful', r.successful())
try:
    r.get(block=False)
except gevent.Timeout:
    print('get nonblocking: Timeout')
try:
    r.get(timeout=0.01)
except gevent.Timeout:
    print('get timeout: Timeout')
r.wait(0.01)
print('after wait timeout, ready', r.ready())
gevent.spawn(lambda: r.set(5))
print('get', r.get(), r.value, r.successful())
r.set(6)
print('set again', r.get())
bad = AsyncResult()
bad.set_exception(KeyError('k'))
try:
    bad.get()
except KeyError as err:
    print('exception', repr(err), bad.successful(), bad.ready())
