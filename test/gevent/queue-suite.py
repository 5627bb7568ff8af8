# Cases from gevent's test__queue.py (TestQueue), printed instead of asserted.
import gevent
from gevent.event import AsyncResult
from gevent.hub import get_hub
from gevent.queue import Empty, Full, Queue

run_callback = get_hub().loop.run_callback


def name(x):
    return type(x).__name__ if isinstance(x, Exception) else x


def attempt(fn, *args):
    try:
        return fn(*args)
    except (Empty, Full) as e:
        return e


# test_put_nowait_simple: from the Hub, one fits, the next is Full
result = []
q = Queue(1)
run_callback(lambda: result.append(attempt(q.put_nowait, 2)))
run_callback(lambda: result.append(attempt(q.put_nowait, 3)))
gevent.sleep(0)
print('put_nowait_simple', [name(r) for r in result])

# test_put_nowait_unlock: put_nowait from the Hub wakes a waiting getter
result = []
q = Queue()
p = gevent.spawn(q.get)
gevent.sleep(0.05)
run_callback(lambda: result.append(q.put_nowait(10)))
print('put_nowait_unlock before', p.ready())
gevent.sleep(0.05)
print('put_nowait_unlock after', result, p.ready(), p.value, q.empty())

# test_get_nowait_simple and test_get_nowait_unlock
result = []
q = Queue(1)
q.put(4)
run_callback(lambda: result.append(attempt(q.get_nowait)))
run_callback(lambda: result.append(attempt(q.get_nowait)))
gevent.sleep(0)
print('get_nowait_simple', [name(r) for r in result])
result = []
q = Queue(1)
p = gevent.spawn(q.put, 5)
gevent.sleep(0)
print('get_nowait_unlock full', q.full())
run_callback(lambda: result.append(q.get_nowait()))
gevent.sleep(0)
print('get_nowait_unlock', result, q.empty(), p.dead)

# test_max_size
q = Queue(2)
results = []


def putter(q):
    for x in 'abc':
        q.put(x)
        results.append(x)
    return 'OK'


p = gevent.spawn(putter, q)
gevent.sleep(0)
print('max_size', results)
print('max_size get', q.get())
gevent.sleep(0)
print('max_size', results, q.get(), q.get(), p.get(timeout=0))

# test_multiple_waiters
q = Queue()
evts = [AsyncResult() for _ in range(4)]
for e in evts:
    gevent.spawn(lambda e=e: e.set(q.get()))
gevent.sleep(0.05)
for x in '1234':
    q.put(x)
gevent.sleep(0)
print('multiple_waiters', [e.get() for e in evts])


# test_waiters_that_cancel, test_two_waiters_one_dies, test_two_bogus_waiters
def do_receive(q, evt):
    with gevent.Timeout(0, RuntimeError()):
        try:
            evt.set(q.get())
        except RuntimeError:
            evt.set('timed out')


q = Queue()
evt = AsyncResult()
gevent.spawn(do_receive, q, evt)
print('waiters_that_cancel', evt.get())
q.put('hi')
print('waiters_that_cancel get', q.get())
q = Queue()
dying, waiting = AsyncResult(), AsyncResult()
gevent.spawn(do_receive, q, dying)
gevent.spawn(lambda: waiting.set(q.get()))
gevent.sleep(0.1)
q.put('hi')
print('two_waiters_one_dies', dying.get(), waiting.get())
q = Queue()
e1, e2 = AsyncResult(), AsyncResult()
gevent.spawn(do_receive, q, e1)
gevent.spawn(do_receive, q, e2)
gevent.sleep(0.1)
q.put('sent')
print('two_bogus_waiters', e1.get(), e2.get(), q.get())

# test_peek_multi_greenlet, test_peek_empty
q = Queue()
g = gevent.spawn(q.peek)
gevent.sleep(0)
q.put(1)
g.join()
print('peek_multi_greenlet', g.exception, g.value, q.peek())
q = Queue()
g = gevent.spawn(lambda: attempt(q.peek, True, 0.01))
print('peek timeout', name(g.get()))

# test_task_done
from gevent.queue import JoinableQueue
jq = JoinableQueue()
done = []
for i in range(5):
    jq.put(i)


def worker():
    while True:
        item = jq.get()
        done.append(item)
        jq.task_done()


w = gevent.spawn(worker)
jq.join()
print('task_done', done, jq.unfinished_tasks)
w.kill()
