# Raw greenlets: switch passes values both ways; a return goes to the parent; throw into a suspended one.
import greenlet

main = greenlet.getcurrent()


def run(a, b):
    print('run got', a, b)
    x = main.switch(a + b)
    print('resumed with', x)
    try:
        main.switch('parked')
    except KeyError as e:
        print('caught thrown', repr(e))
    return 'returned'


g = greenlet.greenlet(run)
print('first switch gives', g.switch(1, 2))
print('second switch gives', g.switch('hello'))
print('throw gives', g.throw(KeyError('k')))
print('dead', g.dead, 'parent is main', g.parent is main)


def child():
    return 'to parent'


outer_log = []


def outer():
    c = greenlet.greenlet(child)
    outer_log.append(c.switch())
    return 'outer done'


print(greenlet.greenlet(outer).switch(), outer_log)
g = greenlet.greenlet(lambda: main.switch('x'))
g.switch()
print('killed with throw()', type(g.throw()).__name__, g.dead)
