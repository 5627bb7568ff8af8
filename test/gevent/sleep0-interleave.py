# sleep(0) lets every ready greenlet run once, round robin, in spawn order.
import gevent


def worker(name, n):
    for i in range(n):
        print(name, i)
        gevent.sleep(0)
    print(name, 'done')


gs = [gevent.spawn(worker, name, n) for name, n in (('a', 3), ('b', 1), ('c', 2))]
print('spawned')
gevent.sleep(0)
print('main after one sleep(0)')
gevent.joinall(gs)
print('all done')
