import gevent
from gevent.pool import Pool
def f(x):
    gevent.sleep(0.04 * (3 - x))
    if x == 1: raise ValueError('bad %d' % x)
    return x * 10
p = Pool(3)
it = p.imap(f, range(3))
for _ in range(4):
    try: print('next', next(it))
    except StopIteration: print('stop'); break
    except ValueError as e: print('error', e)
it = p.imap_unordered(f, range(3))
for _ in range(4):
    try: print('next', next(it))
    except StopIteration: print('stop'); break
    except ValueError as e: print('error', e)
