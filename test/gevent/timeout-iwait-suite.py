# Cases from gevent's test__timeout.py and test__iwait.py, printed instead of asserted.
import gevent
from gevent.lock import Semaphore

# test_direct_raise_instance
timeout = gevent.Timeout()
try:
    raise timeout
except gevent.Timeout as t:
    print('direct raise', t is timeout, t.pending)


# test_expires, with a restart after it fired
def expire(timeout):
    try:
        gevent.sleep(10)
    except gevent.Timeout as ex:
        return ex is timeout


timeout = gevent.Timeout(0.01)
timeout.start()
print('expires', expire(timeout), timeout.pending)
timeout.start()
print('restarted, expires again', expire(timeout))
timeout.close()

# test_expires_str: the string becomes the message
timeout = gevent.Timeout(0.01, 'XXX')
timeout.start()
try:
    gevent.sleep(10)
except gevent.Timeout as ex:
    print('expires_str', str(ex).endswith('XXX'))

# test_cancel
timeout = gevent.Timeout(0.01)
timeout.start()
timeout.cancel()
gevent.sleep(0.03)
print('cancel', timeout.pending)

# test_with_timeout
try:
    gevent.with_timeout(0.01, gevent.sleep, 10)
except gevent.Timeout:
    print('with_timeout: Timeout')
print('with_timeout value', gevent.with_timeout(0.01, gevent.sleep, 10, timeout_value='X'))
print('with_timeout in time', gevent.with_timeout(10, gevent.sleep, 0.01, timeout_value='X'))

# A Timeout from another greenlet's timer reaches only its own greenlet
def guarded():
    with gevent.Timeout(0.01):
        try:
            gevent.sleep(10)
        except gevent.Timeout:
            return 'own timeout'


g1 = gevent.spawn(guarded)
g2 = gevent.spawn(gevent.sleep, 0.05)
gevent.joinall([g1, g2])
print('timeouts are per greenlet', g1.value, g2.successful())

# test__iwait: test_noiter, test_iwait_partial, test_iwait_nogarbage
sem1, sem2 = Semaphore(), Semaphore()
sem1.acquire()
sem2.acquire()
gevent.spawn(sem1.release)
print('noiter', next(gevent.iwait((sem1, sem2))) is sem1)
sem1.acquire()
let = gevent.spawn(sem1.release)
with gevent.iwait((sem1, sem2)) as iterator:
    print('nogarbage first', next(iterator) is sem1, 'sem2 links', sem2.linkcount())
print('after', sem2.linkcount())
let.get()
