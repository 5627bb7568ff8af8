# JoinableQueue: join() waits until every item put has been marked task_done().
import gevent
from gevent.queue import JoinableQueue

q = JoinableQueue()


def worker(name):
    while True:
        item = q.get()
        gevent.sleep(0.02 * item)
        print(name, 'did', item)
        q.task_done()


for name in ('w1', 'w2'):
    gevent.spawn(worker, name)
for item in (5, 1, 2):
    q.put(item)
print('unfinished', q.unfinished_tasks)
print('join timeout', q.join(timeout=0.001))
q.join()
print('joined', q.unfinished_tasks)
try:
    q.task_done()
except ValueError:
    print('ValueError: too many task_done')
