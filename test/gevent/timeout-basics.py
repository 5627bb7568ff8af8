# Timeout: start_new, run in a block, custom exceptions, cancel, with_timeout, nesting.
import gevent
from gevent import Timeout

t = Timeout.start_new(0.01)
try:
    gevent.sleep(1)
except Timeout as e:
    print('caught own timeout', e is t, t.pending)

t = Timeout(0.01, ValueError('custom'))
t.start()
try:
    gevent.sleep(1)
except ValueError as e:
    print('custom exception', e)

t = Timeout(0.01)
t.start()
t.cancel()
gevent.sleep(0.02)
print('cancelled, pending', t.pending)

print('with_timeout value', gevent.with_timeout(0.01, gevent.sleep, 1, timeout_value='late'))
try:
    gevent.with_timeout(0.01, gevent.sleep, 1)
except Timeout:
    print('with_timeout raises Timeout')

outer = Timeout.start_new(0.05)
try:
    inner = Timeout.start_new(0.01)
    try:
        gevent.sleep(1)
    except Timeout as e:
        print('inner fired first', e is inner)
    gevent.sleep(1)
except Timeout as e:
    print('outer fired', e is outer)
print('get with timeout', end=' ')
try:
    gevent.spawn(gevent.sleep, 1).get(timeout=0.01)
except Timeout:
    print('Timeout')
