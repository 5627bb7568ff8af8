# Links run in the order added, after the greenlet dies; link_value/link_exception filter.
import gevent


def ok():
    return 'v'


def bad():
    raise KeyError('k')


g = gevent.spawn(ok)
g.rawlink(lambda src: print('rawlink 1', src.value))
g.rawlink(lambda src: print('rawlink 2'))
g.link_value(lambda src: print('link_value', src.value))
g.link_exception(lambda src: print('link_exception (not printed)'))
print('linked')
g.join()
gevent.sleep(0)
h = gevent.spawn(bad)
h.link_exception(lambda src: print('link_exception', repr(src.exception)))
h.link_value(lambda src: print('link_value (not printed)'))
h.join()
gevent.sleep(0)
g.rawlink(lambda src: print('linked after death still runs'))
print('before sleep')
gevent.sleep(0)
print('end')
