# joinall: count, timeout, raise_error; the greenlets returned are those that finished.
import gevent


def nap(x):
    gevent.sleep(x)
    return x


gs = [gevent.spawn(nap, d) for d in (0.03, 0.01, 0.2)]
done = gevent.joinall(gs, count=2)
print('count=2', sorted(g.value for g in done))
done = gevent.joinall(gs, timeout=0.05)
print('timeout', len(done), [g.dead for g in gs])
done = gevent.joinall(gs)
print('all', len(done), [g.value for g in gs])


def fail():
    raise ValueError('bad')


bad = [gevent.spawn(nap, 0.01), gevent.spawn(fail)]
try:
    gevent.joinall(bad, raise_error=True)
except ValueError as e:
    print('raise_error', e)
print('dead', [g.dead for g in bad])
print('empty', gevent.joinall([]))
