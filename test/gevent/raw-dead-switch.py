import greenlet
def run(*a): return 'ret'
main = greenlet.getcurrent()
g = greenlet.greenlet(run)
print(g.switch())
print('dead', g.dead)
print('switch dead', g.switch(1, 2))
print('switch dead one', g.switch(5))
print('throw exit', repr(g.throw(greenlet.GreenletExit('bye'))))
try:
    g.throw(ValueError('v'))
except ValueError as e: print('raised in caller', e)
