# PriorityQueue yields the smallest item first; LifoQueue the last put.
from gevent.queue import LifoQueue, PriorityQueue

p = PriorityQueue()
for item in (5, 1, 4, 2, 3):
    p.put(item)
print('priority', [p.get() for _ in range(5)])
p = PriorityQueue()
for item in ((2, 'b'), (1, 'z'), (2, 'a')):
    p.put(item)
print('tuples', [p.get() for _ in range(3)])
lifo = LifoQueue()
for item in 'abc':
    lifo.put(item)
print('lifo peek', lifo.peek())
print('lifo', [lifo.get() for _ in range(3)])
