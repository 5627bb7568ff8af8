import gevent
g = gevent.spawn(lambda: 1)
def b(x): print('b')
def a(x):
    print('a'); g.unlink(b)
g.link(a); g.link(b)
g.join(); gevent.sleep(0.01)
print('done')
