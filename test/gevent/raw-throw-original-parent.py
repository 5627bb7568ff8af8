# greenlet's test_throw_goes_to_original_parent, with a trace.
import greenlet

main = greenlet.getcurrent()


def f1():
    try:
        main.switch('f1 ready to catch')
    except IndexError:
        print('f1 caught')
        return 'caught'
    return 'normal exit'


def f2():
    print('f2 runs')
    main.switch('from f2')


# 1. neither started: the error ends g2, then g1, and reaches the root
g1 = greenlet.greenlet(f1)
g2 = greenlet.greenlet(f2, parent=g1)
try:
    g2.throw(IndexError('x'))
except IndexError as e:
    print('root got IndexError', e)
print('g1 dead', g1.dead, 'g2 dead', g2.dead)

# 2. g1 waits to catch it
g1 = greenlet.greenlet(f1)
g2 = greenlet.greenlet(f2, parent=g1)
print(g1.switch())
print(g2.throw(IndexError('y')))
print('g1 dead', g1.dead, 'g2 dead', g2.dead)

# 3. both started
g1 = greenlet.greenlet(f1)
g2 = greenlet.greenlet(f2, parent=g1)
print(g1.switch())
print(g2.switch())
print(g2.throw(IndexError('z')))
print('g1 dead', g1.dead, 'g2 dead', g2.dead)

# 4. a value returned into a parent that never started starts it with that value
def child():
    return 'from child'
def parent_run(arg):
    print('parent started with', arg)
    return 'parent done'
p = greenlet.greenlet(parent_run)
c = greenlet.greenlet(child, parent=p)
print(c.switch())
print('p dead', p.dead, 'c dead', c.dead)
