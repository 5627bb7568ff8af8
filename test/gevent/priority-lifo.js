// PriorityQueue yields the smallest item first; LifoQueue the last put.
const { LifoQueue, PriorityQueue } = require('tinyevent');
const { print, Tuple } = require('./_py');

let p = new PriorityQueue();
for (const item of [5, 1, 4, 2, 3]) p.put(item);
print('priority', Array.from({ length: 5 }, () => p.get()));
// Arrays compare element by element, as Python's tuples do.
p = new PriorityQueue();
for (const item of [[2, 'b'], [1, 'z'], [2, 'a']]) p.put(item);
print('tuples', Array.from({ length: 3 }, () => new Tuple(...p.get())));
const lifo = new LifoQueue();
for (const item of 'abc') lifo.put(item);
print('lifo peek', lifo.peek());
print('lifo', Array.from({ length: 3 }, () => lifo.get()));
