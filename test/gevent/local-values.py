# local: attributes private to each greenlet.
import gevent
from gevent.local import local

data = local()
data.x = 'main'


def worker(name):
    print(name, 'sees', getattr(data, 'x', None))
    data.x = name
    gevent.sleep(0)
    print(name, 'kept', data.x)


gevent.joinall([gevent.spawn(worker, n) for n in ('a', 'b')])
print('main kept', data.x)
