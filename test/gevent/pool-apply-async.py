import gevent
from gevent.pool import Pool
p = Pool(1)
def f(x): gevent.sleep(0.02); print('f', x); return x
a = p.apply_async(f, (1,)); print('a queued', p.free_count())
b = p.apply_async(f, (2,)); print('b queued', p.free_count())
c = p.apply_async(f, (3,), callback=lambda v: print('cb', v)); print('c queued')
print(a.get(), b.get(), c.get())
m = p.map_async(f, [4, 5]); print('map_async queued')
print(m.get())
print(type(b).__name__)
gevent.sleep(0.01)
