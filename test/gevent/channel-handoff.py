import gevent
from gevent.queue import Channel, Empty, Full
c = Channel()
def getter():
    print('getter waits'); print('got', c.get()); print('getter after get')
g = gevent.spawn(getter)
gevent.sleep(0)
print('put starts'); c.put(1); print('put returned')
gevent.sleep(0)
# getNowait from a waiting putter
def putter():
    print('putter puts'); c.put(2); print('putter done')
p = gevent.spawn(putter)
gevent.sleep(0)
print('get_nowait', c.get_nowait())
gevent.sleep(0)
# put_nowait to waiting getter
g2 = gevent.spawn(getter)
gevent.sleep(0)
c.put_nowait(3); print('put_nowait returned')
gevent.sleep(0)
try: c.get_nowait()
except Empty: print('Empty')
try: c.put_nowait(4)
except Full: print('Full')
