// Prints values the way Python's print() and repr() do, so traces compare line by line.
'use strict';

function repr(value) {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  if (value instanceof Tuple) return value.items.length === 1 ? `(${repr(value.items[0])},)` : `(${value.items.map(repr).join(', ')})`;
  if (value instanceof Float) return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
  if (value instanceof Error) return `${value.pyName ?? value.constructor.name}(${value.message === '' ? '' : repr(value.message)})`;
  return String(value);
}

/** A Python tuple, for repr(). */
class Tuple {
  constructor(...items) {
    this.items = items;
  }
}

/** A Python float, for repr(): 1 prints as 1.0. */
class Float {
  constructor(value) {
    this.value = value;
  }
}

/** Python's print(): strings bare, everything else as repr() would show it. */
function print(...values) {
  console.log(values.map((v) => (typeof v === 'string' ? v : repr(v))).join(' '));
}

/** An error class named like the Python exception the original program raises. */
function pyError(name) {
  return { [name]: class extends Error {} }[name];
}

module.exports = { Float, print, pyError, repr, Tuple };
