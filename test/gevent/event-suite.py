# Cases from gevent's test__event.py and test__semaphore.py, printed instead of asserted.
import gevent
from gevent.event import AsyncResult, Event
from gevent.lock import Semaphore


class MyException(Exception):
    pass


# test_wait_while_notifying (gevent issue 1520): the main greenlet arriving goes last
event = Event()
results = []


def wait_then_append(arg):
    event.wait()
    results.append(arg)


gevent.spawn(wait_then_append, 1)
gevent.spawn(wait_then_append, 2)
gevent.sleep(0)
print('linkcount', event.linkcount())
event.set()
wait_then_append(3)
print('wait_while_notifying', results)

# test_gevent_wait_twice_when_already_set
event = Event()
event.set()
print('wait twice', len(gevent.wait([event])), len(gevent.wait([event])))

# test_set_during_wait (gevent issue 771)
event = Event()


def waiter():
    s = gevent.spawn(event.set)
    res = event.wait()
    print('set_during_wait', res, event.ready())
    s.join()
    event.clear()
    o = gevent.wait((event,), timeout=0.01)
    print('after clear', event.ready(), event in o)


gevent.spawn(waiter).join()

# TestAsyncResult: test_set_exc, test_set, test_set_with_timeout, test_nonblocking_get
e = AsyncResult()
print('fresh', e.exception)
log = []


def catcher():
    try:
        e.get()
    except MyException as exc:
        log.append(('caught', exc is obj))


gevent.spawn(catcher)
obj = MyException()
e.set_exception(obj)
gevent.sleep(0)
print('set_exc', log)
event1 = AsyncResult()
timer_exc = MyException('interrupted')
g = gevent.spawn_later(0.2, event1.set, 'hello event1')
with gevent.Timeout.start_new(0, timer_exc):
    try:
        event1.get()
    except MyException as exc:
        print('set: interrupted by the timer', exc is timer_exc)
g.kill()
print('set_with_timeout', gevent.with_timeout(0.01, AsyncResult().get, timeout_value='X'))
for how in ('block=False', 'get_nowait'):
    try:
        AsyncResult().get(block=False) if how == 'block=False' else AsyncResult().get_nowait()
    except gevent.Timeout:
        print('nonblocking_get', how, 'Timeout')

# TestAsyncResultAsLinkTarget
g = gevent.spawn(lambda: 1)
s1, s2, s3 = AsyncResult(), AsyncResult(), AsyncResult()
g.link(s1)
g.link_value(s2)
g.link_exception(s3)
print('link target value', s1.get(), s2.get(), gevent.with_timeout(0.01, s3.get, timeout_value='X'))


def func():
    raise MyException('boom')


g = gevent.spawn(func)
s1, s2, s3 = AsyncResult(), AsyncResult(), AsyncResult()
g.link(s1)
g.link_value(s2)
g.link_exception(s3)
for name, s in (('link', s1), ('link_exception', s3)):
    try:
        s.get()
    except MyException as exc:
        print('link target exception', name, exc)
print('link_value not set', gevent.with_timeout(0.01, s2.get, timeout_value='X'))

# TestEvent_SetThenClear100: every waiter wakes even though cleared at once
e = Event()
waiters = [gevent.spawn(e.wait) for i in range(100)]
gevent.sleep(0)
e.set()
e.clear()
gevent.joinall(waiters)
print('set then clear', sum(1 for w in waiters if w.value is True))

# TestWait with count
def sender(events, asyncs):
    while events or asyncs:
        gevent.sleep(0.002)
        if events:
            events.pop().set()
        gevent.sleep(0.002)
        if asyncs:
            asyncs.pop().set()


for count in (None, 1, 2):
    evs = [Event() for _ in range(5)]
    ars = [AsyncResult() for _ in range(5)]
    s = gevent.spawn(sender, list(evs), list(ars))
    got = gevent.wait(evs + ars, count=count)
    print('wait count', count, len(got), 'sender done', s.ready())
    s.kill()

# test__semaphore: timeout, release_twice, rawlink on an unacquired semaphore
print('acquire timeout', Semaphore(value=0).acquire(timeout=0.01))
s = Semaphore()
result = []
s.rawlink(lambda s: result.append('a'))
s.release()
s.rawlink(lambda s: result.append('b'))
s.release()
gevent.sleep(0.05)
print('release_twice', sorted(result))
s = Semaphore()
print('wait on unacquired', len(gevent.wait([s])))
