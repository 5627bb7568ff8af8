# greenlet's test_generator: a generator built on switch.
import greenlet


class genlet(greenlet.greenlet):
    def __init__(self, *args):
        greenlet.greenlet.__init__(self, None, greenlet.getcurrent())
        self.args = args

    def __iter__(self):
        return self

    def __next__(self):
        self.parent = greenlet.getcurrent()
        result = self.switch()
        if self:
            return result
        raise StopIteration

    def run(self):
        self.args[0](*self.args[1:])


def Yield(value):
    g = greenlet.getcurrent()
    while not isinstance(g, genlet):
        g = g.parent
    g.parent.switch(value)


def gen(n):
    for i in range(n):
        Yield(i)


print('generator', list(genlet(gen, 5)))
print('nested', [(a, list(genlet(gen, a))) for a in genlet(gen, 3)])
