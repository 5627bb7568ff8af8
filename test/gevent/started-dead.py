import gevent
g = gevent.Greenlet(lambda: 1)
print('new', bool(g.started))
g.start()
print('scheduled', bool(g.started))
gevent.sleep(0)
print('dead', g.dead, 'started', bool(g.started))
