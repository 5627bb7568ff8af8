# Waiting on what nothing can ever set raises LoopExit in the main greenlet.
import gevent
from gevent.event import Event
from gevent.queue import Queue

try:
    Event().wait()
except gevent.hub.LoopExit:
    print('LoopExit from Event.wait')
try:
    Queue().get()
except gevent.hub.LoopExit:
    print('LoopExit from Queue.get')
g = gevent.spawn(Event().wait)
try:
    g.join()
except gevent.hub.LoopExit:
    print('LoopExit from join')
print('still running')
