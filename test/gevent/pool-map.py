# Pool: at most size greenlets at once; map (ordered), imap, imap_unordered, free_count.
import gevent
from gevent.pool import Group, Pool

pool = Pool(2)
running = [0]
most = [0]


def work(d):
    running[0] += 1
    most[0] = max(most[0], running[0])
    gevent.sleep(d)
    running[0] -= 1
    return d


print('map', pool.map(work, [0.06, 0.01, 0.03]))
print('most at once', most[0])
print('imap', list(pool.imap(work, [0.02, 0.01])))
print('imap_unordered', list(pool.imap_unordered(work, [0.06, 0.01])))
print('free', pool.free_count())
g = pool.spawn(gevent.sleep, 0.01)
print('free after spawn', pool.free_count(), pool.full())
pool.join()
print('free after join', pool.free_count(), len(pool))
group = Group()
print('group map', group.map(lambda x: x * 2, [1, 2, 3]))
print('apply', group.apply(lambda a, b: a + b, (1, 2)))
