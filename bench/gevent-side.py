#!/usr/bin/python3
"""gevent's side of tinyevent's benchmarks, run with /usr/bin/python3.

  gevent-side.py echo         StreamServer echo (recv/sendall) on 127.0.0.1:0; prints "PORT n"
  gevent-side.py handoffs N   Event and Queue hand-offs between two greenlets and a raw
                              switch, N rounds; prints one JSON line (microseconds)
  gevent-side.py ring G N     G greenlets each yielding (sleep(0)) N times; prints one
                              JSON line: microseconds per yield
"""
import json
import sys
import time

import gevent
from gevent.event import Event
from gevent.queue import Queue
from gevent.server import StreamServer
from greenlet import greenlet, getcurrent


def echo():
    def handle(sock, address):
        while True:
            data = sock.recv(65536)
            if not data:
                return
            sock.sendall(data)

    server = StreamServer(('127.0.0.1', 0), handle)
    server.init_socket()
    server.socket.setsockopt(6, 1, 1)  # TCP_NODELAY on the listener; accepted sockets inherit it on Linux
    server.start()
    sys.stdout.write('PORT %d\n' % server.address[1])
    sys.stdout.flush()
    server.serve_forever()


def event_ping_pong(rounds):
    ping, pong = Event(), Event()

    def a():
        for _ in range(rounds):
            ping.set()
            pong.wait()
            pong.clear()

    def b():
        for _ in range(rounds):
            ping.wait()
            ping.clear()
            pong.set()

    t0 = time.perf_counter()
    gevent.joinall([gevent.spawn(a), gevent.spawn(b)])
    return (time.perf_counter() - t0) * 1e6 / (rounds * 2)


def queue_ping_pong(rounds):
    there, back = Queue(), Queue()

    def a():
        for i in range(rounds):
            there.put(i)
            back.get()

    def b():
        for _ in range(rounds):
            back.put(there.get())

    t0 = time.perf_counter()
    gevent.joinall([gevent.spawn(a), gevent.spawn(b)])
    return (time.perf_counter() - t0) * 1e6 / (rounds * 2)


def raw_switch(rounds):
    main = getcurrent()
    peer = greenlet(lambda: [main.switch() for _ in iter(int, 1)])
    peer.switch()
    t0 = time.perf_counter()
    for _ in range(rounds):
        peer.switch()
    return (time.perf_counter() - t0) * 1e6 / (rounds * 2)


def handoffs(rounds):
    best = lambda fn: min(fn(rounds) for _ in range(3))
    event_ping_pong(rounds // 10)
    print(json.dumps({
        'event_us': best(event_ping_pong),
        'queue_us': best(queue_ping_pong),
        'switch_us': best(raw_switch),
    }))


def ring(greenlets, rounds):
    def body():
        for _ in range(rounds):
            gevent.sleep(0)

    t0 = time.perf_counter()
    gevent.joinall([gevent.spawn(body) for _ in range(greenlets)])
    print(json.dumps({'us': (time.perf_counter() - t0) * 1e6 / (greenlets * rounds)}))


if __name__ == '__main__':
    if sys.argv[1] == 'echo':
        echo()
    elif sys.argv[1] == 'ring':
        ring(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == 'handoffs':
        handoffs(int(sys.argv[2]) if len(sys.argv) > 2 else 100000)
    else:
        sys.exit('usage: gevent-side.py echo | handoffs [rounds] | ring greenlets rounds')
