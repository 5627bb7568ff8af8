# spawn runs greenlets in spawn order, later; spawn_later by delay; value and exception.
import gevent

log = []
gs = [gevent.spawn(log.append, n) for n in range(3)]
print('before running', log, [g.started for g in gs])
gevent.sleep(0)
print('after sleep(0)', log)
late = gevent.spawn_later(0.06, log.append, 'late')
early = gevent.spawn_later(0.01, log.append, 'early')
gevent.joinall([late, early])
print('spawn_later', log[3:])
g = gevent.spawn(lambda: 1 / 0)
g.join()
print('failed', g.dead, g.successful(), type(g.exception).__name__, g.value)
g = gevent.spawn(lambda: 'v')
print('get', g.get(), g.ready())
