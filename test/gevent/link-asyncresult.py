import gevent
from gevent.event import AsyncResult
a = AsyncResult(); b = AsyncResult()
g = gevent.spawn(lambda: 42); g.link(a)
def fail(): raise ValueError('boom')
h = gevent.spawn(fail); h.link(b)
print(a.get())
try: b.get()
except ValueError as e: print('ValueError', e)
