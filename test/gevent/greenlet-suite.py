# Cases from gevent's test__greenlet.py, printed instead of asserted.
import gevent
from gevent import getcurrent, sleep
from gevent.event import AsyncResult
from gevent.queue import Queue


class ExpectedError(Exception):
    pass


# test_link_to_asyncresult (value and exception), linked again after death
p = gevent.spawn(lambda: 100)
event = AsyncResult()
p.link(event)
print('link_to_asyncresult', event.get(), end=' ')
for _ in range(3):
    event2 = AsyncResult()
    p.link(event2)
    print(event2.get(), end=' ')
print()
err = ExpectedError('boom')
p = gevent.spawn(lambda: getcurrent().throw(err))
for _ in range(2):
    event = AsyncResult()
    p.link(event)
    try:
        event.get()
    except ExpectedError as exc:
        print('link_to_asyncresult_exception', exc is err)

# test_link_to_queue
p = gevent.spawn(lambda: 100)
q = Queue()
p.link(q.put)
print('link_to_queue', q.get().get(), end=' ')
for _ in range(3):
    p.link(q.put)
    print(q.get().get(), end=' ')
print()

# test_wait_noerrors, test_wait_error
x, y, z = gevent.spawn(lambda: 1), gevent.spawn(lambda: 2), gevent.spawn(lambda: 3)
gevent.joinall([x, y, z], raise_error=True)
print('wait_noerrors', [x.value, y.value, z.value])
e = AsyncResult()
x.link(e)
x.unlink(e)
e2 = AsyncResult()
x.link(e2)
gevent.sleep(0)
print('unlinked AsyncResult', e.ready(), e2.get())


def slow():
    sleep(0.3)
    return 1


x = gevent.spawn(slow)
y = gevent.spawn(lambda: getcurrent().throw(ExpectedError('test_wait_error')))
for gs in ([x, y], [y]):
    try:
        gevent.joinall(gs, raise_error=True)
    except ExpectedError as exc:
        print('wait_error', exc, x.ready())
x.join()


# test_joinall_exception_order: the first to fail is raised
def first():
    sleep(0.3)
    raise ExpectedError('first')


a = gevent.spawn(first)
b = gevent.spawn(lambda: getcurrent().throw(ExpectedError('second')))
try:
    gevent.joinall([a, b], raise_error=True)
except ExpectedError as exc:
    print('joinall_exception_order', exc)
gevent.joinall([a, b])


# test_joinall_count_raise_error
def sleep_forever():
    while True:
        sleep(0.1)


sleeper = gevent.spawn(sleep_forever)
raiser = gevent.spawn(lambda: getcurrent().throw(ExpectedError('count')))
gevent.joinall([sleeper, raiser], raise_error=False, count=1)
print('count_raise_error', raiser.ready(), sleeper.ready())
sleeper.kill()
print('killed', sleeper.ready())

# test_multiple_listeners_error: a failing listener does not stop the others
for body in (lambda: 5, lambda: getcurrent().throw(ExpectedError('x'))):
    p = gevent.spawn(body)
    results = []

    def listener1(*_args):
        results.append(10)
        raise ExpectedError('listener1')

    def listener2(*_args):
        results.append(20)
        raise ExpectedError('listener2')

    def listener3(*_args):
        raise ExpectedError('listener3')

    for listener in (listener1, listener2, listener3):
        p.rawlink(listener)
    sleep(0.05)
    print('multiple_listeners_error', sorted(results))


# test_multiple_listeners_error_unlink: no call after unlink, though the notification began
class Results(object):
    def __init__(self):
        self.results = []

    def listener1(self, p):
        p.unlink(self.listener2)
        self.results.append(5)
        raise ExpectedError('listener1')

    def listener2(self, p):
        p.unlink(self.listener1)
        self.results.append(5)
        raise ExpectedError('listener2')

    def listener3(self, _p):
        raise ExpectedError('listener3')


p = gevent.spawn(lambda: 5)
ar = AsyncResult()
gevent.spawn(ar.set, 6)
for what, target in (('Greenlet', p), ('AsyncResult', ar)):
    results = Results()
    for listener in (results.listener1, results.listener2, results.listener3):
        target.rawlink(listener)
    sleep(0.05)
    print('multiple_listeners_error_unlink', what, results.results)
