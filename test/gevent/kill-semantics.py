# kill: blocks until dead by default; GreenletExit is the value; never-started greenlets never run.
import gevent


def sleeper():
    try:
        gevent.sleep(1)
    finally:
        print('finally runs')


g = gevent.spawn(sleeper)
gevent.sleep(0)
g.kill()
print('killed', g.dead, type(g.value).__name__, g.successful(), g.exception)

never = gevent.spawn(print, 'never printed')
never.kill()
gevent.sleep(0)
print('never started', never.dead, type(never.value).__name__)


class Custom(Exception):
    pass


g = gevent.spawn(sleeper)
gevent.sleep(0)
g.kill(Custom('c'), block=False)
print('kill(block=False) returned', g.dead)
g.join()
print('custom', g.dead, repr(g.exception), g.successful())
g = gevent.spawn(gevent.sleep, 1)
gevent.sleep(0)
g.kill(timeout=0.5)
print('kill with timeout', g.dead)
print('kill dead again', g.kill())
