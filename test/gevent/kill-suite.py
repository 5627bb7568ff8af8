# Cases from gevent's test__greenlet.py (TestKill, test_simple_exit, test_error_exit).
import gevent


def state(g):
    return [bool(g), g.dead, g.started, g.ready(), g.successful(), type(g.value).__name__, type(g.exception).__name__]


# test_simple_exit
link_test = []
g = gevent.Greenlet(lambda: (gevent.sleep(0.05), 5)[1])
g.rawlink(link_test.append)
print('new', state(g))
g.start()
print('started', state(g))
gevent.sleep(0)
print('running', state(g), link_test)
g.join()
gevent.sleep(0)
print('dead', state(g), g.value, link_test == [g])


# test_error_exit
class ExpectedError(Exception):
    pass


def fail():
    error = ExpectedError('test_error_exit')
    error.myattr = 5
    raise error


g = gevent.Greenlet(fail)
g.start()
g.join()
print('error exit', state(g), g.exception.myattr)

# TestKill: a greenlet killed before it ran, every way
for block in (True, False):
    for killall in (False, True):
        for exc in (None, Exception()):
            link_test = []
            result = []
            g = gevent.Greenlet(result.append, 1)
            g.link(link_test.append)
            kwargs = {} if exc is None else {'exception': exc}
            for _ in range(2):  # a second kill must not hurt
                if killall:
                    gevent.killall([g], block=block, **kwargs)
                else:
                    g.kill(block=block, **kwargs)
                if not block:
                    gevent.sleep(0.001)
            gevent.sleep(0.05)
            print('kill', 'block' if block else 'nonblock', 'killall' if killall else 'kill',
                  'exc' if exc else 'exit', state(g), result, link_test == [g])

# Killing a running greenlet, with block=False and then joining
g = gevent.spawn(gevent.sleep, 10)
gevent.sleep(0)
g.kill(block=False)
print('kill(block=False) scheduled', state(g))
g.join()
print('joined', state(g))
