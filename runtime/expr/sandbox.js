// Sandbox seal: run once in every pooled runtime after the prelude, before
// any expression. Expressions of every tenant run in the same runtimes, so
// nothing they can reach may keep a change from one evaluation to the
// next, and nothing may hand them a way to compile code or reach the real
// global object. Helpers made in Go (sandbox.go):
//   refuse(name)        throws, and counts the attempt
//   overridable(o, k, v, enumerable)
//                       turns data property k (value v) of prototype o into an
//                       accessor whose setter gives the receiver an own
//                       property, so freezing o does not stop
//                       "obj.toString = f" on ordinary objects
//   canary              getter that counts a read of the real global
(function (G, refuse, overridable, canary) {
  'use strict';
  const getProto = Object.getPrototypeOf;
  const describe = Object.getOwnPropertyDescriptor;
  const define = Object.defineProperty;
  const ownKeys = Reflect.ownKeys;
  const freeze = Object.freeze;

  // Function, GeneratorFunction and AsyncFunction (goja has no async
  // generators) compile source text in the global scope. Each prototype's
  // "constructor" (reached by f.constructor) and the global Function and
  // eval become functions that refuse to run: the compilers are then
  // referenced from nowhere an expression can reach. A stand-in is named
  // like the original and refuses with or without new.
  const tame = (name) => ({ [name]: function () { return refuse(name); } })[name];
  const fnProtos = [
    getProto(function () {}),
    getProto(function* () {}),
    getProto(async function () {}),
  ];
  for (const p of fnProtos) {
    const real = p.constructor;
    const t = tame(real.name);
    define(t, 'prototype', { value: p, writable: false, enumerable: false, configurable: false });
    define(p, 'constructor', { value: t, writable: false, enumerable: false, configurable: false });
    if (G[real.name] === real) define(G, real.name, { value: t, writable: false, enumerable: false, configurable: false });
  }
  define(G, 'eval', { value: tame('eval'), writable: false, enumerable: false, configurable: false });

  // Properties that ordinary code assigns on its own objects: data keys
  // named like Object.prototype's methods, and an error's name and message.
  const overrideData = (o, k) => {
    const d = describe(o, k);
    if (d !== undefined && 'value' in d && d.configurable) overridable(o, k, d.value, d.enumerable);
  };
  for (const k of ownKeys(Object.prototype)) {
    if (typeof k === 'string') overrideData(Object.prototype, k);
  }
  for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
    overrideData(E.prototype, 'name');
    overrideData(E.prototype, 'message');
  }

  // A read of this property means an expression holds the real global.
  define(G, '__n8nx_canary', { get: canary, enumerable: true, configurable: false });

  // Intrinsics no global names: reached only through an instance.
  const hidden = [
    fnProtos,
    (function* () {})(),
    [][Symbol.iterator](),
    new Map().entries(),
    new Set().values(),
    ''[Symbol.iterator](),
    /x/[Symbol.matchAll](''),
    getProto(Int8Array),
  ];

  // Freeze everything reachable from the global object and those roots:
  // own properties (values and accessor functions) and prototypes.
  const seen = new Set();
  const todo = [G, hidden];
  while (todo.length > 0) {
    const o = todo.pop();
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
    seen.add(o);
    todo.push(getProto(o));
    const keys = ownKeys(o);
    const fn = typeof o === 'function';
    for (let i = 0; i < keys.length; i++) {
      // A function's own length and name hold primitives (a third of all
      // keys), unless a class defines them as static members: only those
      // need a descriptor.
      if (fn && (keys[i] === 'length' || keys[i] === 'name')) {
        const t = typeof o[keys[i]];
        if (t !== 'object' && t !== 'function') continue;
      }
      const d = describe(o, keys[i]);
      if (d === undefined) continue;
      if ('value' in d) todo.push(d.value);
      else todo.push(d.get, d.set);
    }
    freeze(o);
  }
})
