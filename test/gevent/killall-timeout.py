import gevent
def stubborn():
    try:
        gevent.sleep(10)
    except gevent.GreenletExit:
        print('ignoring exit')
        gevent.sleep(0.2)
g = gevent.spawn(stubborn)
gevent.sleep(0)
try:
    gevent.killall([g], timeout=0.05)
    print('returned')
except gevent.Timeout as t:
    print('Timeout', type(t).__name__)
g.join()
