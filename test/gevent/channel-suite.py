# Cases from gevent's test__queue.py (TestChannel), printed instead of asserted.
import gevent
from gevent.event import AsyncResult
from gevent.hub import get_hub
from gevent.queue import Channel, Empty, Full

run_callback = get_hub().loop.run_callback


def attempt(fn, *args):
    try:
        return fn(*args)
    except (Empty, Full) as e:
        return type(e).__name__


# test_put_nowait_simple: with no getter, both are Full
result = []
q = Channel()
run_callback(lambda: result.append(attempt(q.put_nowait, 2)))
run_callback(lambda: result.append(attempt(q.put_nowait, 3)))
gevent.sleep(0)
print('put_nowait_simple', result)

# test_put_nowait_unlock: from the Hub, to a waiting getter
result = []
q = Channel()
p = gevent.spawn(q.get)
print('empty, full', q.empty(), q.full())
gevent.sleep(0.05)
run_callback(lambda: result.append(q.put_nowait(10)))
print('before', p.ready())
gevent.sleep(0.05)
print('put_nowait_unlock', result, p.ready(), p.value, q.empty(), q.full())

# test_get_nowait_unlock_channel: get_nowait from the Hub takes from a waiting putter
result = []
q = Channel()
p = gevent.spawn(q.put, 5)
gevent.sleep(0.05)
run_callback(lambda: result.append(q.get_nowait()))
gevent.sleep(0.05)
print('get_nowait_unlock', result, p.ready(), p.dead)

# test_zero_max_size
q = Channel()
e1, e2 = AsyncResult(), AsyncResult()


def sender():
    q.put('hi')
    e1.set('done')


p1 = gevent.spawn(sender)
gevent.sleep(0.001)
print('sender waits', e1.ready())
p2 = gevent.spawn(lambda: e2.set(q.get()))
print('zero_max_size', e2.get(), e1.get())
with gevent.Timeout(0):
    gevent.joinall([p1, p2])

# test_send
channel = Channel()
events = []


def another():
    events.append(channel.get())
    events.append(channel.get())


g = gevent.spawn(another)
events.append('sending')
channel.put('hello')
events.append('sent hello')
channel.put('world')
events.append('sent world')
print('send', events)
g.get()

# test_wait
channel = Channel()
events = []


def another2():
    events.append('sending hello')
    channel.put('hello')
    events.append('sending world')
    channel.put('world')
    events.append('sent world')


g = gevent.spawn(another2)
events.append('waiting')
events.append(channel.get())
events.append(channel.get())
print('wait', events)
gevent.sleep(0)
print('wait after sleep(0)', events)
g.get()

# test_iterable, test_send_last
channel = Channel()
gevent.spawn(channel.put, StopIteration)
print('iterable', list(channel))
q = Channel()


def waiter():
    with gevent.Timeout(0.1):
        return q.get()


p = gevent.spawn(waiter)
gevent.sleep(0.05)
q.put('hi2')
gevent.sleep(0.05)
print('send_last', p.get(timeout=0), q.balance)
