// The sandbox's Node environment: the built-in modules a package may use
// for real, and stubs for the rest. Evaluated once per package runtime with
// the Go natives `n`; returns {globals, builtins, stub}. noderun's own code.
(function (n) {
  'use strict';


  // ---- URL, URLSearchParams (parsed by Go's net/url) ----
  class URLSearchParams {
    constructor(init) {
      this._list = [];
      if (typeof init === 'string') {
        const q = init[0] === '?' ? init.slice(1) : init;
        for (const part of q.split('&')) {
          if (part === '') continue;
          const i = part.indexOf('=');
          const dec = (x) => decodeURIComponent(x.replace(/\+/g, ' '));
          this._list.push(i < 0 ? [dec(part), ''] : [dec(part.slice(0, i)), dec(part.slice(i + 1))]);
        }
      } else if (Array.isArray(init)) {
        for (const [k, v] of init) this._list.push([String(k), String(v)]);
      } else if (init && typeof init === 'object') {
        for (const k of Object.keys(init)) this._list.push([k, String(init[k])]);
      }
    }
    append(k, v) { this._list.push([String(k), String(v)]); this._update(); }
    delete(k) { this._list = this._list.filter((e) => e[0] !== k); this._update(); }
    get(k) { const e = this._list.find((x) => x[0] === k); return e ? e[1] : null; }
    getAll(k) { return this._list.filter((x) => x[0] === k).map((x) => x[1]); }
    has(k) { return this._list.some((x) => x[0] === k); }
    set(k, v) {
      const i = this._list.findIndex((x) => x[0] === k);
      if (i < 0) this._list.push([String(k), String(v)]);
      else { this._list[i][1] = String(v); this._list = this._list.filter((x, j) => j <= i || x[0] !== k); }
      this._update();
    }
    sort() { this._list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this._update(); }
    forEach(fn, self) { for (const [k, v] of this._list) fn.call(self, v, k, this); }
    keys() { return this._list.map((x) => x[0])[Symbol.iterator](); }
    values() { return this._list.map((x) => x[1])[Symbol.iterator](); }
    entries() { return this._list.map((x) => [x[0], x[1]])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    get size() { return this._list.length; }
    toString() {
      const enc = (x) => encodeURIComponent(x).replace(/%20/g, '+').replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
      return this._list.map(([k, v]) => enc(k) + '=' + enc(v)).join('&');
    }
    _update() { if (this._url) { const s = this.toString(); this._url._parts.search = s ? '?' + s : ''; } }
  }
  class URL {
    constructor(input, base) {
      const parts = n.parseURL(String(input), base === undefined ? '' : String(base instanceof URL ? base.href : base));
      if (typeof parts === 'string') throw new TypeError('Invalid URL: ' + parts);
      this._parts = parts;
    }
    get protocol() { return this._parts.protocol; }
    set protocol(v) { v = String(v); this._parts.protocol = v.endsWith(':') ? v : v + ':'; }
    get username() { return this._parts.username; }
    set username(v) { this._parts.username = String(v); }
    get password() { return this._parts.password; }
    set password(v) { this._parts.password = String(v); }
    get hostname() { return this._parts.hostname; }
    set hostname(v) { this._parts.hostname = String(v); }
    get port() { return this._parts.port; }
    set port(v) { this._parts.port = String(v); }
    get host() { return this._parts.hostname + (this._parts.port ? ':' + this._parts.port : ''); }
    set host(v) { const [h, p] = String(v).split(':'); this._parts.hostname = h; this._parts.port = p || ''; }
    get origin() { return this._parts.protocol + '//' + this.host; }
    get pathname() { return this._parts.pathname; }
    set pathname(v) { v = String(v); this._parts.pathname = v[0] === '/' ? v : '/' + v; }
    get search() { return this._parts.search; }
    set search(v) { v = String(v); this._parts.search = v === '' || v === '?' ? '' : (v[0] === '?' ? v : '?' + v); this._sp = undefined; }
    get searchParams() {
      if (!this._sp) { this._sp = new URLSearchParams(this._parts.search); this._sp._url = this; }
      return this._sp;
    }
    get hash() { return this._parts.hash; }
    set hash(v) { v = String(v); this._parts.hash = v === '' || v === '#' ? '' : (v[0] === '#' ? v : '#' + v); }
    get href() {
      const p = this._parts;
      const auth = p.username ? p.username + (p.password ? ':' + p.password : '') + '@' : '';
      const slashes = p.special || p.hostname !== '' ? '//' : '';
      return p.protocol + slashes + auth + this.host + p.pathname + p.search + p.hash;
    }
    set href(v) { this._parts = new URL(v)._parts; this._sp = undefined; }
    toString() { return this.href; }
    toJSON() { return this.href; }
    static canParse(i, b) { try { new URL(i, b); return true; } catch (e) { return false; } }
  }
  n.URL = URL;
  n.URLSearchParams = URLSearchParams;

  // ---- Annex B accessors goja lacks (old libraries call them) ----
  if (!Object.prototype.__defineSetter__) {
    const define = (kind) => function (name, fn) {
      if (typeof fn !== 'function') throw new TypeError('Object.prototype.__define' + kind + '__: the argument is not a function');
      Object.defineProperty(this, name, { [kind === 'Getter' ? 'get' : 'set']: fn, enumerable: true, configurable: true });
    };
    const lookup = (kind) => function (name) {
      for (let o = this; o !== null; o = Object.getPrototypeOf(o)) {
        const d = Object.getOwnPropertyDescriptor(o, name);
        if (d) return kind === 'Getter' ? d.get : d.set;
      }
      return undefined;
    };
    for (const kind of ['Getter', 'Setter']) {
      Object.defineProperty(Object.prototype, '__define' + kind + '__', { value: define(kind), writable: true, configurable: true });
      Object.defineProperty(Object.prototype, '__lookup' + kind + '__', { value: lookup(kind), writable: true, configurable: true });
    }
  }

  // ---- events ----
  function EventEmitter() { EventEmitter.init.call(this); }
  EventEmitter.init = function () {
    if (!this._events || this._events === Object.getPrototypeOf(this)._events) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    }
    this._maxListeners = this._maxListeners || undefined;
  };
  EventEmitter.defaultMaxListeners = 10;
  EventEmitter.prototype.setMaxListeners = function (k) { this._maxListeners = k; return this; };
  EventEmitter.prototype.getMaxListeners = function () { return this._maxListeners === undefined ? EventEmitter.defaultMaxListeners : this._maxListeners; };
  function addListener(target, type, listener, prepend) {
    if (typeof listener !== 'function') throw new TypeError('The "listener" argument must be of type function');
    if (!target._events) EventEmitter.init.call(target);
    if (target._events.newListener !== undefined) target.emit('newListener', type, listener.listener ? listener.listener : listener);
    const list = target._events[type];
    if (list === undefined) { target._events[type] = listener; target._eventsCount++; }
    else if (typeof list === 'function') target._events[type] = prepend ? [listener, list] : [list, listener];
    else if (prepend) list.unshift(listener); else list.push(listener);
    return target;
  }
  EventEmitter.prototype.on = EventEmitter.prototype.addListener = function (t, l) { return addListener(this, t, l, false); };
  EventEmitter.prototype.prependListener = function (t, l) { return addListener(this, t, l, true); };
  function onceWrapper(target, type, listener) {
    const state = { fired: false };
    function wrapped() {
      if (state.fired) return undefined;
      state.fired = true;
      target.removeListener(type, wrapped);
      return listener.apply(target, arguments);
    }
    wrapped.listener = listener;
    return wrapped;
  }
  EventEmitter.prototype.once = function (t, l) { return this.on(t, onceWrapper(this, t, l)); };
  EventEmitter.prototype.prependOnceListener = function (t, l) { return this.prependListener(t, onceWrapper(this, t, l)); };
  EventEmitter.prototype.removeListener = EventEmitter.prototype.off = function (type, listener) {
    if (!this._events) return this;
    const list = this._events[type];
    if (list === undefined) return this;
    if (list === listener || list.listener === listener) { delete this._events[type]; this._eventsCount--; }
    else if (typeof list !== 'function') {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || list[i].listener === listener) { list.splice(i, 1); break; }
      }
      if (list.length === 1) this._events[type] = list[0];
      if (list.length === 0) { delete this._events[type]; this._eventsCount--; }
    }
    if (this._events.removeListener !== undefined) this.emit('removeListener', type, listener);
    return this;
  };
  EventEmitter.prototype.removeAllListeners = function (type) {
    if (!this._events) return this;
    if (type === undefined) { this._events = Object.create(null); this._eventsCount = 0; }
    else if (this._events[type] !== undefined) { delete this._events[type]; this._eventsCount--; }
    return this;
  };
  EventEmitter.prototype.emit = function (type) {
    const args = Array.prototype.slice.call(arguments, 1);
    const list = this._events && this._events[type];
    if (list === undefined) {
      if (type === 'error') {
        const er = args[0];
        if (er instanceof Error) throw er;
        throw new Error('Unhandled error. (' + String(er) + ')');
      }
      return false;
    }
    if (typeof list === 'function') list.apply(this, args);
    else for (const l of list.slice()) l.apply(this, args);
    return true;
  };
  EventEmitter.prototype.listeners = function (type) {
    const list = this._events && this._events[type];
    if (list === undefined) return [];
    if (typeof list === 'function') return [list.listener || list];
    return list.map((l) => l.listener || l);
  };
  EventEmitter.prototype.rawListeners = function (type) {
    const list = this._events && this._events[type];
    if (list === undefined) return [];
    return typeof list === 'function' ? [list] : list.slice();
  };
  EventEmitter.prototype.listenerCount = function (type) { return this.rawListeners(type).length; };
  EventEmitter.listenerCount = function (emitter, type) { return emitter.listenerCount(type); };
  EventEmitter.prototype.eventNames = function () { return this._events ? Reflect.ownKeys(this._events) : []; };
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.once = function (emitter, name) {
    return new Promise((resolve, reject) => {
      emitter.once(name, function () { resolve(Array.prototype.slice.call(arguments)); });
      if (name !== 'error') emitter.once('error', reject);
    });
  };
  EventEmitter.errorMonitor = Symbol('events.errorMonitor');
  EventEmitter.captureRejections = false;

  // ---- util ----
  function inherits(ctor, superCtor) {
    if (typeof ctor !== 'function' || typeof superCtor !== 'function' || superCtor.prototype === undefined) {
      throw new TypeError('util.inherits needs two constructors');
    }
    Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }
  function inspect(v, opts) {
    const seen = new WeakSet();
    const depth = opts && typeof opts.depth === 'number' ? opts.depth : 2;
    function fmt(x, d) {
      if (typeof x === 'string') return d === 0 ? x : "'" + x + "'";
      if (typeof x === 'function') return '[Function: ' + (x.name || 'anonymous') + ']';
      if (typeof x === 'bigint') return String(x) + 'n';
      if (typeof x === 'symbol') return x.toString();
      if (x === null || typeof x !== 'object') return String(x);
      if (x instanceof Error) return x.stack || String(x);
      if (seen.has(x)) return '[Circular *1]';
      if (d > depth) return Array.isArray(x) ? '[Array]' : '[Object]';
      seen.add(x);
      let out;
      if (Array.isArray(x)) out = '[ ' + x.map((e) => fmt(e, d + 1)).join(', ') + ' ]';
      else {
        const keys = Object.keys(x);
        out = keys.length === 0 ? '{}' : '{ ' + keys.map((k) => k + ': ' + fmt(x[k], d + 1)).join(', ') + ' }';
      }
      seen.delete(x);
      return out;
    }
    return fmt(v, 1);
  }
  inspect.custom = Symbol.for('nodejs.util.inspect.custom');
  function format(f) {
    const args = Array.prototype.slice.call(arguments, 1);
    if (typeof f !== 'string') return [f].concat(args).map((a) => inspect(a)).join(' ');
    let i = 0;
    let out = f.replace(/%[sdifjoO%]/g, (m) => {
      if (m === '%%') return '%';
      if (i >= args.length) return m;
      const a = args[i++];
      switch (m) {
        case '%s': return typeof a === 'string' ? a : inspect(a);
        case '%d': case '%i': return String(m === '%i' ? parseInt(a, 10) : Number(a));
        case '%f': return String(parseFloat(a));
        case '%j': try { return JSON.stringify(a); } catch (e) { return '[Circular]'; }
        default: return inspect(a);
      }
    });
    for (; i < args.length; i++) out += ' ' + (typeof args[i] === 'string' ? args[i] : inspect(args[i]));
    return out;
  }
  function deprecate(fn, msg) {
    let warned = false;
    return function () {
      if (!warned) { warned = true; n.log('warn', 'DeprecationWarning: ' + msg); }
      return fn.apply(this, arguments);
    };
  }
  function promisify(fn) {
    if (typeof fn !== 'function') throw new TypeError('util.promisify needs a function');
    if (fn[promisify.custom]) return fn[promisify.custom];
    return function () {
      const args = Array.prototype.slice.call(arguments);
      return new Promise((resolve, reject) => {
        fn.apply(this, args.concat([(err, value) => (err ? reject(err) : resolve(value))]));
      });
    };
  }
  promisify.custom = Symbol.for('nodejs.util.promisify.custom');
  const types = {
    isDate: (x) => x instanceof Date,
    isRegExp: (x) => x instanceof RegExp,
    isPromise: (x) => x instanceof Promise,
    isMap: (x) => x instanceof Map,
    isSet: (x) => x instanceof Set,
    isTypedArray: (x) => ArrayBuffer.isView(x) && !(x instanceof DataView),
    isUint8Array: (x) => x instanceof Uint8Array,
    isArrayBuffer: (x) => x instanceof ArrayBuffer,
    isAnyArrayBuffer: (x) => x instanceof ArrayBuffer,
    isNativeError: (x) => x instanceof Error,
    isAsyncFunction: (x) => typeof x === 'function' && x.constructor && x.constructor.name === 'AsyncFunction',
    isGeneratorFunction: (x) => typeof x === 'function' && x.constructor && x.constructor.name === 'GeneratorFunction',
  };
  function isDeepStrictEqual(a, b) {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(a[k], b[k]));
  }
  const util = {
    inherits, inspect, format, deprecate, promisify, types, isDeepStrictEqual,
    isArray: Array.isArray,
    isString: (x) => typeof x === 'string',
    isNumber: (x) => typeof x === 'number',
    isObject: (x) => x !== null && typeof x === 'object',
    isFunction: (x) => typeof x === 'function',
    isUndefined: (x) => x === undefined,
    isNullOrUndefined: (x) => x === null || x === undefined,
    isBuffer: (x) => x instanceof Buffer,
    isDate: types.isDate,
    isRegExp: types.isRegExp,
    isError: types.isNativeError,
    debuglog: () => function () {},
    TextEncoder: undefined,
    TextDecoder: undefined,
  };

  // ---- path (POSIX) ----
  function normalizeParts(parts, absolute) {
    const out = [];
    for (const p of parts) {
      if (p === '' || p === '.') continue;
      if (p === '..') { if (out.length && out[out.length - 1] !== '..') out.pop(); else if (!absolute) out.push('..'); }
      else out.push(p);
    }
    return out;
  }
  const path = {
    sep: '/', delimiter: ':',
    normalize(p) {
      if (typeof p !== 'string') throw new TypeError('The "path" argument must be of type string');
      if (p === '') return '.';
      const abs = p[0] === '/';
      const trailing = p[p.length - 1] === '/';
      let r = normalizeParts(p.split('/'), abs).join('/');
      if (r === '' && !abs) r = '.';
      if (r !== '' && trailing) r += '/';
      return (abs ? '/' : '') + r;
    },
    join() {
      const parts = Array.prototype.slice.call(arguments).filter((x) => {
        if (typeof x !== 'string') throw new TypeError('The "path" argument must be of type string');
        return x !== '';
      });
      return parts.length === 0 ? '.' : path.normalize(parts.join('/'));
    },
    resolve() {
      let r = '';
      for (let i = arguments.length - 1; i >= 0 && r[0] !== '/'; i--) {
        const a = arguments[i];
        if (typeof a !== 'string') throw new TypeError('The "path" argument must be of type string');
        if (a !== '') r = a + (r === '' ? '' : '/' + r);
      }
      if (r[0] !== '/') r = '/' + r; // the sandbox's working directory is "/"
      const out = '/' + normalizeParts(r.split('/'), true).join('/');
      return out;
    },
    isAbsolute: (p) => typeof p === 'string' && p[0] === '/',
    dirname(p) {
      if (p === '') return '.';
      const abs = p[0] === '/';
      let end = p.length;
      while (end > 1 && p[end - 1] === '/') end--;
      const i = p.lastIndexOf('/', end - 1);
      if (i < 0) return '.';
      if (i === 0) return abs ? '/' : '.';
      return p.slice(0, i);
    },
    basename(p, ext) {
      let end = p.length;
      while (end > 1 && p[end - 1] === '/') end--;
      let b = p.slice(p.lastIndexOf('/', end - 1) + 1, end);
      if (ext && b.endsWith(ext) && b !== ext) b = b.slice(0, b.length - ext.length);
      return b;
    },
    extname(p) {
      const b = path.basename(p);
      const i = b.lastIndexOf('.');
      return i <= 0 ? '' : b.slice(i);
    },
    relative(from, to) {
      const f = path.resolve(from).split('/').filter(Boolean);
      const t = path.resolve(to).split('/').filter(Boolean);
      let i = 0;
      while (i < f.length && i < t.length && f[i] === t[i]) i++;
      return f.slice(i).map(() => '..').concat(t.slice(i)).join('/');
    },
    parse(p) {
      const root = p[0] === '/' ? '/' : '';
      const base = path.basename(p);
      const ext = path.extname(p);
      const dir = path.dirname(p);
      return { root, dir: dir === '.' && !p.includes('/') ? '' : dir, base, ext, name: ext ? base.slice(0, -ext.length) : base };
    },
    format(o) {
      const dir = o.dir || o.root || '';
      const base = o.base || (o.name || '') + (o.ext || '');
      return dir ? (dir === o.root ? dir + base : dir + '/' + base) : base;
    },
    toNamespacedPath: (p) => p,
  };
  path.posix = path;
  path.win32 = path;

  // ---- Buffer ----
  const encodings = ['utf8', 'utf-8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii', 'utf16le', 'ucs2', 'ucs-2', 'utf-16le'];
  function normEncoding(enc) {
    if (enc === undefined || enc === null) return 'utf8';
    const e = String(enc).toLowerCase();
    if (!encodings.includes(e)) throw new TypeError('Unknown encoding: ' + enc);
    return e;
  }
  class Buffer extends Uint8Array {
    static from(v, encOrOffset, length) {
      if (typeof v === 'string') return wrap(n.encode(v, normEncoding(encOrOffset)));
      if (v instanceof ArrayBuffer) {
        const off = encOrOffset === undefined ? 0 : encOrOffset;
        return new Buffer(v, off, length === undefined ? v.byteLength - off : length);
      }
      if (ArrayBuffer.isView(v)) { const b = new Buffer(v.byteLength); b.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); return b; }
      if (Array.isArray(v)) { const b = new Buffer(v.length); for (let i = 0; i < v.length; i++) b[i] = v[i] & 255; return b; }
      if (v && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data);
      if (v && typeof v.length === 'number') return Buffer.from(Array.prototype.slice.call(v));
      throw new TypeError('The first argument must be a string, Buffer, ArrayBuffer, Array, or array-like object');
    }
    static alloc(size, fill, enc) {
      const b = new Buffer(checkSize(size));
      if (fill !== undefined && fill !== 0) b.fill(fill, 0, b.length, enc);
      return b;
    }
    static allocUnsafe(size) { return new Buffer(checkSize(size)); }
    static allocUnsafeSlow(size) { return new Buffer(checkSize(size)); }
    static isBuffer(x) { return x instanceof Buffer; }
    static isEncoding(e) { return typeof e === 'string' && encodings.includes(e.toLowerCase()); }
    static byteLength(s, enc) {
      if (typeof s !== 'string') return s.byteLength;
      return n.encode(s, normEncoding(enc)).byteLength;
    }
    static concat(list, total) {
      if (!Array.isArray(list)) throw new TypeError('The "list" argument must be an Array of Buffers');
      if (total === undefined) total = list.reduce((a, b) => a + b.length, 0);
      const out = Buffer.alloc(total);
      let off = 0;
      for (const b of list) {
        if (off >= total) break;
        const part = b.length > total - off ? b.subarray(0, total - off) : b;
        out.set(part, off);
        off += part.length;
      }
      return out;
    }
    static compare(a, b) { return a.compare(b); }
    toString(enc, start, end) {
      start = start === undefined ? 0 : Math.max(0, start | 0);
      end = end === undefined ? this.length : Math.min(this.length, end | 0);
      if (end <= start) return '';
      return n.decode(new Uint8Array(this.buffer, this.byteOffset + start, end - start), normEncoding(enc));
    }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
    equals(o) { return this.compare(o) === 0; }
    compare(o) {
      const l = Math.min(this.length, o.length);
      for (let i = 0; i < l; i++) if (this[i] !== o[i]) return this[i] < o[i] ? -1 : 1;
      return this.length === o.length ? 0 : (this.length < o.length ? -1 : 1);
    }
    slice(s, e) { return this.subarray(s, e); }
    subarray(s, e) {
      const u = Uint8Array.prototype.subarray.call(this, s, e);
      return new Buffer(u.buffer, u.byteOffset, u.length);
    }
    write(str, offset, length, enc) {
      if (typeof offset === 'string') { enc = offset; offset = 0; length = undefined; }
      else if (typeof length === 'string') { enc = length; length = undefined; }
      offset = offset === undefined ? 0 : offset;
      const bytes = new Uint8Array(n.encode(str, normEncoding(enc)));
      const count = Math.min(bytes.length, this.length - offset, length === undefined ? Infinity : length);
      this.set(bytes.subarray(0, count), offset);
      return count;
    }
    copy(target, tStart, sStart, sEnd) {
      tStart = tStart || 0; sStart = sStart || 0; sEnd = sEnd === undefined ? this.length : sEnd;
      const part = this.subarray(sStart, Math.min(sEnd, sStart + target.length - tStart));
      target.set(part, tStart);
      return part.length;
    }
    fill(v, start, end, enc) {
      if (typeof start === 'string') { enc = start; start = 0; end = this.length; }
      start = start === undefined ? 0 : start; end = end === undefined ? this.length : end;
      if (typeof v === 'number') { Uint8Array.prototype.fill.call(this, v & 255, start, end); return this; }
      const bytes = typeof v === 'string' ? new Uint8Array(n.encode(v, normEncoding(enc))) : v;
      if (bytes.length === 0) return this;
      for (let i = start, j = 0; i < end; i++, j = (j + 1) % bytes.length) this[i] = bytes[j];
      return this;
    }
    indexOf(v, from) {
      if (typeof v === 'number') return Uint8Array.prototype.indexOf.call(this, v, from);
      const needle = typeof v === 'string' ? Buffer.from(v) : v;
      outer: for (let i = from || 0; i <= this.length - needle.length; i++) {
        for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
        return i;
      }
      return -1;
    }
    includes(v, from) { return this.indexOf(v, from) !== -1; }
  }
  // Buffer's fixed-width number methods, through a DataView.
  for (const [name, size, get, set, le] of [
    ['UInt8', 1, 'getUint8', 'setUint8'], ['Int8', 1, 'getInt8', 'setInt8'],
    ['UInt16LE', 2, 'getUint16', 'setUint16', true], ['UInt16BE', 2, 'getUint16', 'setUint16', false],
    ['Int16LE', 2, 'getInt16', 'setInt16', true], ['Int16BE', 2, 'getInt16', 'setInt16', false],
    ['UInt32LE', 4, 'getUint32', 'setUint32', true], ['UInt32BE', 4, 'getUint32', 'setUint32', false],
    ['Int32LE', 4, 'getInt32', 'setInt32', true], ['Int32BE', 4, 'getInt32', 'setInt32', false],
    ['FloatLE', 4, 'getFloat32', 'setFloat32', true], ['FloatBE', 4, 'getFloat32', 'setFloat32', false],
    ['DoubleLE', 8, 'getFloat64', 'setFloat64', true], ['DoubleBE', 8, 'getFloat64', 'setFloat64', false],
    ['BigInt64LE', 8, 'getBigInt64', 'setBigInt64', true], ['BigInt64BE', 8, 'getBigInt64', 'setBigInt64', false],
    ['BigUInt64LE', 8, 'getBigUint64', 'setBigUint64', true], ['BigUInt64BE', 8, 'getBigUint64', 'setBigUint64', false],
  ]) {
    const check = (b, o) => {
      o = o === undefined ? 0 : o;
      if (typeof o !== 'number' || o < 0 || o + size > b.length || o !== Math.floor(o)) {
        throw new RangeError('The value of "offset" is out of range. It must be >= 0 and <= ' + (b.length - size) + '. Received ' + o);
      }
      return o;
    };
    const view = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    Buffer.prototype['read' + name] = function (o) { o = check(this, o); return view(this)[get](o, le); };
    Buffer.prototype['write' + name] = function (v, o) { o = check(this, o); view(this)[set](o, v, le); return o + size; };
    if (name.startsWith('UInt')) {
      Buffer.prototype['readUint' + name.slice(4)] = Buffer.prototype['read' + name];
      Buffer.prototype['writeUint' + name.slice(4)] = Buffer.prototype['write' + name];
    }
  }
  Buffer.poolSize = 8192;
  function checkSize(size) {
    if (typeof size !== 'number' || size < 0 || size > 0x7fffffff || size !== Math.floor(size)) {
      throw new RangeError('The argument "size" is invalid: ' + size);
    }
    return size;
  }
  function wrap(ab) { return new Buffer(ab, 0, ab.byteLength); }
  const bufferModule = { Buffer, kMaxLength: 0x7fffffff, constants: { MAX_LENGTH: 0x7fffffff, MAX_STRING_LENGTH: 0x1fffffe8 } };


  // ---- stream: Node's stream classes in memory (they do no I/O) ----
  function Stream(opts) { EventEmitter.call(this, opts); }
  inherits(Stream, EventEmitter);
  Stream.prototype.pipe = function (dest) {
    this.on('data', (c) => dest.write(c));
    this.on('end', () => { if (typeof dest.end === 'function') dest.end(); });
    this.emit('pipe', this);
    return dest;
  };
  function Readable(opts) {
    if (!(this instanceof Readable)) return new Readable(opts);
    Stream.call(this, opts);
    opts = opts || {};
    this.readable = true;
    this.readableEnded = false;
    this.destroyed = false;
    this._readableState = { objectMode: !!opts.objectMode, ended: false, encoding: null };
    if (typeof opts.read === 'function') this._read = opts.read;
  }
  inherits(Readable, Stream);
  Readable.prototype._read = function () {};
  Readable.prototype.push = function (chunk) {
    if (chunk === null) {
      if (this._readableState.ended) return false;
      this._readableState.ended = true;
      this.readableEnded = true;
      Promise.resolve().then(() => this.emit('end'));
      return false;
    }
    this.emit('data', chunk);
    return true;
  };
  Readable.prototype.unshift = function (chunk) { this.emit('data', chunk); };
  Readable.prototype.read = function () { this._read(); return null; };
  Readable.prototype.resume = function () { this._read(); return this; };
  Readable.prototype.pause = function () { return this; };
  Readable.prototype.isPaused = function () { return false; };
  Readable.prototype.setEncoding = function (e) { this._readableState.encoding = e; return this; };
  Readable.prototype.destroy = function (err) {
    this.destroyed = true;
    if (err) this.emit('error', err);
    this.emit('close');
    return this;
  };
  Readable.from = function (iterable, opts) {
    const r = new Readable(opts);
    Promise.resolve().then(() => { for (const x of iterable) r.push(x); r.push(null); });
    return r;
  };
  function Writable(opts) {
    if (!(this instanceof Writable)) return new Writable(opts);
    Stream.call(this, opts);
    opts = opts || {};
    this.writable = true;
    this.writableEnded = false;
    this.writableFinished = false;
    this.destroyed = false;
    this._writableState = { objectMode: !!opts.objectMode };
    if (typeof opts.write === 'function') this._write = opts.write;
    if (typeof opts.final === 'function') this._final = opts.final;
  }
  inherits(Writable, Stream);
  Writable.prototype._write = function (chunk, enc, cb) { cb(); };
  Writable.prototype.write = function (chunk, enc, cb) {
    if (typeof enc === 'function') { cb = enc; enc = undefined; }
    if (this.writableEnded) { const e = new Error('write after end'); if (cb) cb(e); this.emit('error', e); return false; }
    this._write(chunk, enc || 'buffer', (err) => { if (err) this.emit('error', err); if (cb) cb(err); });
    return true;
  };
  Writable.prototype.end = function (chunk, enc, cb) {
    if (typeof chunk === 'function') { cb = chunk; chunk = undefined; }
    else if (typeof enc === 'function') { cb = enc; enc = undefined; }
    if (chunk !== undefined && chunk !== null) this.write(chunk, enc);
    if (this.writableEnded) return this;
    this.writableEnded = true;
    const finish = (err) => {
      if (err) { this.emit('error', err); return; }
      this.writableFinished = true;
      this.emit('finish');
      if (cb) cb();
    };
    if (typeof this._final === 'function') this._final(finish); else finish();
    return this;
  };
  Writable.prototype.cork = Writable.prototype.uncork = function () {};
  Writable.prototype.setDefaultEncoding = function () { return this; };
  Writable.prototype.destroy = Readable.prototype.destroy;
  function Duplex(opts) {
    if (!(this instanceof Duplex)) return new Duplex(opts);
    Readable.call(this, opts);
    Writable.call(this, opts);
  }
  inherits(Duplex, Readable);
  for (const k of Object.keys(Writable.prototype)) if (!Duplex.prototype.hasOwnProperty(k)) Duplex.prototype[k] = Writable.prototype[k];
  function Transform(opts) {
    if (!(this instanceof Transform)) return new Transform(opts);
    Duplex.call(this, opts);
    opts = opts || {};
    if (typeof opts.transform === 'function') this._transform = opts.transform;
    if (typeof opts.flush === 'function') this._flush = opts.flush;
  }
  inherits(Transform, Duplex);
  Transform.prototype._transform = function (chunk, enc, cb) { cb(null, chunk); };
  Transform.prototype._write = function (chunk, enc, cb) {
    this._transform(chunk, enc, (err, data) => {
      if (data !== undefined && data !== null) this.push(data);
      cb(err);
    });
  };
  Transform.prototype._final = function (cb) {
    const done = (err, data) => {
      if (data !== undefined && data !== null) this.push(data);
      this.push(null);
      cb(err);
    };
    if (typeof this._flush === 'function') this._flush(done); else done();
  };
  function PassThrough(opts) {
    if (!(this instanceof PassThrough)) return new PassThrough(opts);
    Transform.call(this, opts);
  }
  inherits(PassThrough, Transform);
  function finished(stream, cb) {
    let done = false;
    const once = (err) => { if (!done) { done = true; cb(err); } };
    stream.on('end', () => once());
    stream.on('finish', () => once());
    stream.on('error', once);
    return () => {};
  }
  function pipeline() {
    const streams = Array.prototype.slice.call(arguments);
    const cb = typeof streams[streams.length - 1] === 'function' ? streams.pop() : null;
    for (let i = 0; i < streams.length - 1; i++) streams[i].pipe(streams[i + 1]);
    if (cb) finished(streams[streams.length - 1], cb);
    return streams[streams.length - 1];
  }
  Stream.Stream = Stream;
  Stream.Readable = Readable;
  Stream.Writable = Writable;
  Stream.Duplex = Duplex;
  Stream.Transform = Transform;
  Stream.PassThrough = PassThrough;
  Stream.finished = finished;
  Stream.pipeline = pipeline;
  Stream.promises = {
    pipeline: (...s) => new Promise((resolve, reject) => pipeline(...s, (e) => (e ? reject(e) : resolve()))),
    finished: (st) => new Promise((resolve, reject) => finished(st, (e) => (e ? reject(e) : resolve()))),
  };

  // ---- string_decoder ----
  function StringDecoder(enc) { this.encoding = normEncoding(enc); this._pending = []; }
  StringDecoder.prototype.write = function (buf) {
    if (typeof buf === 'string') return buf;
    const all = this._pending.length ? Buffer.concat(this._pending.concat([buf])) : Buffer.from(buf);
    this._pending = [];
    let end = all.length;
    if (this.encoding === 'utf8' || this.encoding === 'utf-8') {
      // hold back an incomplete UTF-8 sequence at the end
      let i = end - 1, back = 0;
      while (i >= 0 && back < 4 && (all[i] & 0xc0) === 0x80) { i--; back++; }
      if (i >= 0) {
        const lead = all[i];
        const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        if (need > back + 1) end = i;
      }
    }
    if (end < all.length) this._pending.push(all.subarray(end));
    return all.toString(this.encoding, 0, end);
  };
  StringDecoder.prototype.end = function (buf) {
    let s = buf ? this.write(buf) : '';
    if (this._pending.length) { s += Buffer.concat(this._pending).toString(this.encoding); this._pending = []; }
    return s;
  };


  // ---- diagnostics_channel: in-process publish/subscribe ----
  const channels = new Map();
  class Channel {
    constructor(name) { this.name = name; this._subs = []; }
    get hasSubscribers() { return this._subs.length > 0; }
    publish(message) { for (const fn of this._subs.slice()) fn(message, this.name); }
    subscribe(fn) { this._subs.push(fn); }
    unsubscribe(fn) { const i = this._subs.indexOf(fn); if (i < 0) return false; this._subs.splice(i, 1); return true; }
    bindStore() {}
    unbindStore() { return false; }
    runStores(data, fn, thisArg) { return fn.apply(thisArg, Array.prototype.slice.call(arguments, 3)); }
  }
  function channel(name) {
    if (!channels.has(name)) channels.set(name, new Channel(name));
    return channels.get(name);
  }
  function tracingChannel(name) {
    const t = {};
    for (const e of ['start', 'end', 'asyncStart', 'asyncEnd', 'error']) t[e] = typeof name === 'string' ? channel('tracing:' + name + ':' + e) : name[e];
    Object.defineProperty(t, 'hasSubscribers', { get: () => ['start', 'end', 'asyncStart', 'asyncEnd', 'error'].some((e) => t[e].hasSubscribers) });
    t.subscribe = (h) => { for (const e of Object.keys(h)) if (t[e]) t[e].subscribe(h[e]); };
    t.unsubscribe = (h) => { for (const e of Object.keys(h)) if (t[e]) t[e].unsubscribe(h[e]); return true; };
    t.traceSync = (fn, ctx, thisArg, ...args) => {
      t.start.publish(ctx);
      try { const r = fn.apply(thisArg, args); if (ctx) ctx.result = r; return r; }
      catch (e) { if (ctx) ctx.error = e; t.error.publish(ctx); throw e; }
      finally { t.end.publish(ctx); }
    };
    t.tracePromise = (fn, ctx, thisArg, ...args) => {
      t.start.publish(ctx);
      return Promise.resolve(fn.apply(thisArg, args)).then(
        (r) => { if (ctx) ctx.result = r; t.asyncEnd.publish(ctx); return r; },
        (e) => { if (ctx) ctx.error = e; t.error.publish(ctx); throw e; });
    };
    t.traceCallback = (fn, position, ctx, thisArg, ...args) => fn.apply(thisArg, args);
    return t;
  }
  const diagnosticsChannel = {
    channel, tracingChannel, Channel,
    hasSubscribers: (name) => channels.has(name) && channels.get(name).hasSubscribers,
    subscribe: (name, fn) => channel(name).subscribe(fn),
    unsubscribe: (name, fn) => channel(name).unsubscribe(fn),
  };

  // ---- timers ----
  function Timeout(id) { this._id = id; }
  Timeout.prototype.ref = function () { n.refTimer(this._id, true); return this; };
  Timeout.prototype.unref = function () { n.refTimer(this._id, false); return this; };
  Timeout.prototype.hasRef = function () { return n.hasRef(this._id); };
  Timeout.prototype.refresh = function () { return this; };
  Timeout.prototype[Symbol.toPrimitive] = function () { return this._id; };
  function timer(repeat) {
    return function (fn, ms) {
      if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
      return new Timeout(n.setTimer(fn, Number(ms) || 0, repeat, Array.prototype.slice.call(arguments, 2)));
    };
  }
  function clear(t) { if (t !== undefined && t !== null) n.clearTimer(typeof t === 'object' ? t._id : Number(t)); }
  const timers = {
    setTimeout: timer(false), setInterval: timer(true), clearTimeout: clear, clearInterval: clear,
    setImmediate(fn) { return timers.setTimeout.apply(null, [fn, 0].concat(Array.prototype.slice.call(arguments, 1))); },
    clearImmediate: clear,
  };

  // ---- process (no env, no exit, no I/O) ----
  const process = new EventEmitter();
  Object.assign(process, {
    title: 'noderun', version: 'v24.0.0', versions: { node: '24.0.0' }, arch: 'x64', platform: 'linux',
    release: { name: 'node' }, argv: ['node'], execArgv: [], pid: 1, ppid: 0, env: {}, exitCode: undefined,
    cwd: () => '/',
    chdir() { throw new Error('process.chdir is not available in the noderun sandbox'); },
    exit() { throw new Error('process.exit is not available in the noderun sandbox'); },
    abort() { throw new Error('process.abort is not available in the noderun sandbox'); },
    kill() { throw new Error('process.kill is not available in the noderun sandbox'); },
    umask: () => 0o22,
    uptime: () => n.hrtime() / 1e9,
    hrtime(prev) {
      const ns = n.hrtime();
      let s = Math.floor(ns / 1e9), r = ns % 1e9;
      if (prev) { s -= prev[0]; r -= prev[1]; if (r < 0) { s--; r += 1e9; } }
      return [s, r];
    },
    memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }),
    cpuUsage: () => ({ user: 0, system: 0 }),
    emitWarning(w) { n.log('warn', String(w && w.message ? w.message : w)); },
    nextTick(fn) {
      const args = Array.prototype.slice.call(arguments, 1);
      Promise.resolve().then(() => fn.apply(null, args));
    },
    stdout: { write(s) { n.log('info', String(s)); return true; }, isTTY: false, fd: 1, on() { return this; }, once() { return this; } },
    stderr: { write(s) { n.log('warn', String(s)); return true; }, isTTY: false, fd: 2, on() { return this; }, once() { return this; } },
    features: {},
    config: { variables: {} },
  });
  process.hrtime.bigint = () => BigInt(n.hrtimeString());
  process.memoryUsage.rss = () => 0;

  // ---- url ----
  function fileURLToPath(u) {
    const s = typeof u === 'string' ? u : String(u.href);
    if (!s.startsWith('file://')) throw new TypeError('The URL must be of scheme file');
    return decodeURIComponent(s.slice(7));
  }
  function pathToFileURL(p) { return new n.URL('file://' + encodeURI(path.resolve(p))); }
  const url = {
    URL: n.URL, URLSearchParams: n.URLSearchParams, fileURLToPath, pathToFileURL,
    parse(s) {
      const u = new n.URL(s);
      return { href: u.href, protocol: u.protocol, host: u.host, hostname: u.hostname, port: u.port || null,
        pathname: u.pathname, search: u.search || null, query: u.search ? u.search.slice(1) : null,
        hash: u.hash || null, path: u.pathname + u.search, auth: u.username ? u.username + (u.password ? ':' + u.password : '') : null,
        slashes: true };
    },
    format(o) {
      if (o instanceof n.URL) return o.href;
      if (typeof o === 'string') return o;
      let s = (o.protocol ? o.protocol + (o.protocol.endsWith(':') ? '' : ':') + '//' : '') + (o.auth ? o.auth + '@' : '') + (o.host || (o.hostname || '') + (o.port ? ':' + o.port : ''));
      s += o.pathname || '';
      if (o.search) s += o.search; else if (o.query && typeof o.query === 'object') s += '?' + new n.URLSearchParams(o.query).toString();
      return s + (o.hash || '');
    },
  };

  // ---- crypto: hashing and random bytes ----
  function hashObject(h) {
    return {
      update(data, enc) { h.update(typeof data === 'string' ? new Uint8Array(n.encode(data, normEncoding(enc))) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); return this; },
      digest(enc) { const b = wrap(h.digest()); return enc ? b.toString(enc) : b; },
    };
  }
  const crypto = {
    createHash: (alg) => hashObject(n.newHash(String(alg), null)),
    createHmac: (alg, key) => hashObject(n.newHash(String(alg), typeof key === 'string' ? new Uint8Array(n.encode(key, 'utf8')) : new Uint8Array(key.buffer, key.byteOffset, key.byteLength))),
    randomBytes(size, cb) {
      const b = wrap(n.randomBytes(checkSize(size)));
      if (typeof cb === 'function') { process.nextTick(cb, null, b); return undefined; }
      return b;
    },
    randomUUID: () => n.randomUUID(),
    randomInt(min, max) {
      if (max === undefined) { max = min; min = 0; }
      return min + n.randomBelow(max - min);
    },
    getHashes: () => ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
    randomFillSync(a, offset, size) {
      offset = offset || 0;
      const view = new Uint8Array(a.buffer || a, (a.byteOffset || 0) + offset, size === undefined ? (a.byteLength - offset) : size);
      view.set(new Uint8Array(n.randomBytes(view.byteLength)));
      return a;
    },
    getRandomValues(a) { const b = new Uint8Array(n.randomBytes(a.byteLength)); new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(b); return a; },
  };
  crypto.webcrypto = { getRandomValues: crypto.getRandomValues, randomUUID: crypto.randomUUID };

  // ---- console ----
  const consoleObj = {};
  for (const [m, level] of [['log', 'info'], ['info', 'info'], ['debug', 'debug'], ['trace', 'debug'], ['warn', 'warn'], ['error', 'error']]) {
    consoleObj[m] = function () { n.log(level, format.apply(null, arguments)); };
  }
  consoleObj.dir = (o) => n.log('info', inspect(o));
  consoleObj.time = consoleObj.timeEnd = consoleObj.group = consoleObj.groupEnd = consoleObj.table = consoleObj.assert = function () {};

  // ---- pino, replaced by a logger writing to noderun's log ----
  const pinoLevels = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
  function pino(opts) {
    const logger = Object.create(null);
    let level = (opts && typeof opts === 'object' && opts.level) || 'info';
    function make(bindings) {
      const l = {
        get level() { return level; },
        set level(v) { level = v; },
        levels: { values: Object.assign({}, pinoLevels), labels: { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' } },
        isLevelEnabled: (lv) => (pinoLevels[lv] || 0) >= (pinoLevels[level] || 30),
        child: (b) => make(Object.assign({}, bindings, b)),
        bindings: () => Object.assign({}, bindings),
        flush(cb) { if (typeof cb === 'function') cb(); },
        silent() {},
        on() { return l; },
      };
      for (const name of Object.keys(pinoLevels)) {
        l[name] = function (a) {
          if ((pinoLevels[name] || 0) < (pinoLevels[level] || 30)) return;
          const rest = Array.prototype.slice.call(arguments);
          const text = typeof a === 'object' && a !== null && rest.length > 1 ? format.apply(null, rest.slice(1)) + ' ' + inspect(a) : format.apply(null, rest);
          n.log(name === 'fatal' ? 'error' : name === 'trace' ? 'debug' : name, text);
        };
      }
      return l;
    }
    Object.assign(logger, make({}));
    return make({});
  }
  pino.levels = { values: pinoLevels };
  pino.stdSerializers = { err: (e) => e, req: (r) => r, res: (r) => r };
  pino.stdTimeFunctions = { epochTime: () => ',"time":' + Date.now(), isoTime: () => ',"time":"' + new Date().toISOString() + '"', nullTime: () => '', unixTime: () => ',"time":' + Math.round(Date.now() / 1000) };
  pino.destination = () => ({ write() { return true; } });
  pino.transport = () => ({ write() { return true; } });
  pino.multistream = () => ({ write() { return true; } });
  pino.symbols = {};
  pino.version = '9.0.0';
  pino.default = pino;
  pino.pino = pino;

  // ---- stubs: a module whose members throw when used ----
  function stub(moduleName, requiredBy, why) {
    function fail(member) {
      throw new Error(moduleName + '.' + member + ' is not available in the noderun sandbox (' + why + '; required by ' + requiredBy + ')');
    }
    function member(name) {
      const target = function () {};
      const self = new Proxy(target, {
        apply() { fail(name); },
        construct() { fail(name); },
        get(t, k) {
          // A prototype lets a class extend the member (as agent-base
          // extends http.Agent); constructing one still throws.
          if (k === 'prototype') return t.prototype;
          if (typeof k === 'symbol' || k === 'then' || k === '__esModule') return undefined;
          return member(name + '.' + k);
        },
        set(t, k, v, receiver) {
          // An assignment to a subclass (a static field of a class that
          // extends the member) lands on the subclass, as it would in Node.
          if (receiver !== self) {
            Object.defineProperty(receiver, k, { value: v, writable: true, enumerable: true, configurable: true });
            return true;
          }
          fail(name + '.' + String(k));
        },
      });
      return self;
    }
    // __esModule makes TypeScript's __importStar and __importDefault hand
    // the stub through as it is, and default is the stub again, so that
    // `http.Agent` still names its member after either.
    const mod = new Proxy({}, {
      get(t, k) {
        if (k === '__esModule') return true;
        if (k === 'default') return mod;
        if (typeof k === 'symbol' || k === 'then') return undefined;
        return member(String(k));
      },
      set(t, k) { fail(String(k)); },
      has() { return false; },
    });
    return mod;
  }


  // ---- description export: JSON text, and the functions it holds ----
  // A function in a hook slot (send.preSend[i], output.postReceive[i],
  // operations.pagination) is written as the hook name hookName(path)
  // gives; any other function is left out, as JSON.stringify leaves it.
  // Every function is reported with its JSON-pointer path.
  function exportDescription(value, hookName) {
    const functions = [];
    const ancestors = [];
    function hookSlot(path) {
      const l = path.length;
      return (l >= 3 && path[l - 3] === 'send' && path[l - 2] === 'preSend') ||
        (l >= 3 && path[l - 3] === 'output' && path[l - 2] === 'postReceive') ||
        (l >= 2 && path[l - 2] === 'operations' && path[l - 1] === 'pagination');
    }
    function pointer(path) { return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join(''); }
    // path is one stack, pushed and popped: descriptions are large, and
    // a copy per step cost more than the rest of the walk.
    const path = [];
    function walk(v, inArray) {
      if (typeof v === 'function') {
        const ptr = pointer(path);
        const hook = hookSlot(path) ? hookName(ptr) : '';
        functions.push([ptr, v, hook]);
        if (hook) return hook;
        return inArray ? null : undefined;
      }
      if (v === null || typeof v !== 'object') {
        if (typeof v === 'bigint') throw new TypeError('a BigInt at ' + pointer(path) + ' cannot be written as JSON');
        if (typeof v === 'symbol' || v === undefined) return inArray ? null : undefined;
        return v;
      }
      if (typeof v.toJSON === 'function') return walk(v.toJSON(), inArray);
      if (ancestors.indexOf(v) >= 0) throw new TypeError('the description holds itself at ' + pointer(path));
      ancestors.push(v);
      let out;
      if (Array.isArray(v)) {
        out = [];
        for (let i = 0; i < v.length; i++) {
          path.push(i);
          out.push(walk(v[i], true));
          path.pop();
        }
      } else {
        out = {};
        for (const k of Object.keys(v)) {
          path.push(k);
          const x = walk(v[k], false);
          path.pop();
          if (x !== undefined) out[k] = x;
        }
      }
      ancestors.pop();
      return out;
    }
    // JSON.stringify walks the tree natively, and its replacer sees each
    // value with its holder: each object's place is kept in a map to name
    // the functions it holds (the walk above copies the tree, slowly). A
    // cycle or a BigInt makes it throw; the walk then says where.
    const places = new Map(); // object -> { up: its holder's place, key }
    function placePointer(at, k) {
      const keys = [k];
      for (let p = at; p.up !== undefined; p = p.up) keys.push(p.key);
      let ptr = '';
      for (let i = keys.length - 1; i >= 0; i--) ptr += '/' + String(keys[i]).replace(/~/g, '~0').replace(/\//g, '~1');
      return ptr;
    }
    function replacer(k, v) {
      const t = typeof v;
      if (t !== 'object' && t !== 'function' || v === null) return v;
      const at = places.get(this); // undefined for the root's holder
      if (t === 'function') {
        const ptr = at === undefined ? '' : placePointer(at, k);
        const up = at === undefined ? undefined : at.up;
        const hook = at !== undefined && ((up !== undefined && up.key === 'send' && at.key === 'preSend') ||
          (up !== undefined && up.key === 'output' && at.key === 'postReceive') ||
          (at.key === 'operations' && k === 'pagination')) ? hookName(ptr) : '';
        functions.push([ptr, v, hook]);
        return hook || undefined;
      }
      places.set(v, at === undefined ? { up: undefined, key: undefined } : { up: at, key: k });
      return v;
    }
    let json;
    try {
      json = JSON.stringify(value, replacer);
    } catch (e) {
      functions.length = 0;
      json = JSON.stringify(walk(value, false));
    }
    return { json, functions };
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(s) { return new Uint8Array(n.encode(String(s === undefined ? '' : s), 'utf8')); }
  }
  class TextDecoder {
    constructor(enc) { this.encoding = enc === undefined ? 'utf-8' : String(enc).toLowerCase(); normEncoding(this.encoding); }
    decode(b) { return b === undefined ? '' : n.decode(new Uint8Array(b.buffer || b, b.byteOffset || 0, b.byteLength), normEncoding(this.encoding)); }
  }
  util.TextEncoder = TextEncoder;
  util.TextDecoder = TextDecoder;
  // Web platform classes the sandbox does not implement: referencing them
  // works (libraries test instanceof at load), constructing one throws.
  function absent(name) {
    const C = function () { throw new Error(name + ' is not available in the noderun sandbox'); };
    Object.defineProperty(C, 'name', { value: name });
    return C;
  }
  const webAbsent = {};
  for (const name of ['ReadableStream', 'WritableStream', 'TransformStream', 'ReadableStreamDefaultReader',
    'ReadableByteStreamController', 'ReadableStreamBYOBReader', 'WritableStreamDefaultWriter', 'ByteLengthQueuingStrategy',
    'CountQueuingStrategy', 'CompressionStream', 'DecompressionStream', 'Blob', 'File', 'FormData', 'Headers', 'Request',
    'Response', 'WebSocket', 'MessageChannel', 'MessagePort', 'BroadcastChannel', 'Worker', 'fetch']) webAbsent[name] = absent(name);

  // EventTarget, Event and AbortController are plain in-memory objects.
  class Event {
    constructor(type, init) { this.type = String(type); this.defaultPrevented = false; this.cancelable = !!(init && init.cancelable); this.timeStamp = Date.now(); }
    preventDefault() { if (this.cancelable) this.defaultPrevented = true; }
    stopPropagation() {}
    stopImmediatePropagation() { this._stop = true; }
  }
  class EventTarget {
    constructor() { Object.defineProperty(this, '_listeners', { value: new Map() }); }
    addEventListener(type, fn, opts) {
      if (!fn) return;
      if (!this._listeners.has(type)) this._listeners.set(type, []);
      this._listeners.get(type).push({ fn, once: !!(opts && opts.once) });
    }
    removeEventListener(type, fn) {
      const l = this._listeners.get(type);
      if (l) this._listeners.set(type, l.filter((x) => x.fn !== fn));
    }
    dispatchEvent(ev) {
      const l = (this._listeners.get(ev.type) || []).slice();
      if (typeof this['on' + ev.type] === 'function') this['on' + ev.type](ev);
      for (const x of l) {
        if (x.once) this.removeEventListener(ev.type, x.fn);
        if (typeof x.fn === 'function') x.fn.call(this, ev); else x.fn.handleEvent(ev);
        if (ev._stop) break;
      }
      return !ev.defaultPrevented;
    }
  }
  class AbortSignal extends EventTarget {
    constructor() { super(); this.aborted = false; this.reason = undefined; this.onabort = null; }
    throwIfAborted() { if (this.aborted) throw this.reason; }
    static abort(reason) { const c = new AbortController(); c.abort(reason); return c.signal; }
    static timeout(ms) { const c = new AbortController(); timers.setTimeout(() => c.abort(new Error('The operation was aborted due to timeout')), ms); return c.signal; }
    static any(signals) {
      const c = new AbortController();
      for (const s of signals) { if (s.aborted) { c.abort(s.reason); break; } s.addEventListener('abort', () => c.abort(s.reason), { once: true }); }
      return c.signal;
    }
  }
  class AbortController {
    constructor() { this.signal = new AbortSignal(); }
    abort(reason) {
      const s = this.signal;
      if (s.aborted) return;
      s.aborted = true;
      s.reason = reason === undefined ? new Error('This operation was aborted') : reason;
      s.dispatchEvent(new Event('abort'));
    }
  }
  // The collector may never run cleanup callbacks (the specification
  // allows it), and a WeakRef may keep its target: both are exact.
  class FinalizationRegistry {
    constructor(cb) { if (typeof cb !== 'function') throw new TypeError('FinalizationRegistry needs a cleanup callback'); }
    register() {}
    unregister() { return false; }
  }
  class WeakRefStrong {
    constructor(t) { this._t = t; }
    deref() { return this._t; }
  }
  class DOMException extends Error {
    constructor(message, name) {
      super(message === undefined ? '' : String(message));
      this.name = name === undefined ? 'Error' : typeof name === 'object' ? String(name.name || 'Error') : String(name);
    }
    get code() { return 0; }
  }
  const performance = {
    timeOrigin: Date.now(),
    now: () => n.hrtime() / 1e6,
    mark() {}, measure() {}, clearMarks() {}, clearMeasures() {},
    getEntries: () => [], getEntriesByName: () => [], getEntriesByType: () => [],
    toJSON() { return { timeOrigin: this.timeOrigin }; },
  };
  Object.assign(webAbsent, { DOMException, performance, Event, EventTarget, AbortSignal, AbortController, FinalizationRegistry });
  if (typeof WeakRef === 'undefined') webAbsent.WeakRef = WeakRefStrong;
  const globals = Object.assign(webAbsent, {
    TextEncoder, TextDecoder,
    process, Buffer, console: consoleObj, URL: n.URL, URLSearchParams: n.URLSearchParams,
    setTimeout: timers.setTimeout, setInterval: timers.setInterval, setImmediate: timers.setImmediate,
    clearTimeout: clear, clearInterval: clear, clearImmediate: clear,
    queueMicrotask: (fn) => { Promise.resolve().then(fn); },
    structuredClone: (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v))),
  });
  const builtins = {
    events: EventEmitter, stream: Stream, 'stream/promises': Stream.promises, string_decoder: { StringDecoder }, util, path, buffer: bufferModule, timers, process, url, crypto, console: consoleObj, pino,
    diagnostics_channel: diagnosticsChannel,
    perf_hooks: { performance: undefined },
    // the sandbox has no terminal
    tty: { isatty: () => false },
    'path/posix': path, 'timers/promises': {
      setTimeout: (ms, v) => new Promise((resolve) => timers.setTimeout(() => resolve(v), ms)),
      setImmediate: (v) => new Promise((resolve) => timers.setImmediate(() => resolve(v))),
    },
  };
  // collect is what a rewritten `for await` loop iterates: the values of
  // an async iterable (or the awaited values of a sync one), gathered.
  async function collect(it) {
    const out = [];
    if (it && typeof it[Symbol.asyncIterator] === 'function') {
      const iter = it[Symbol.asyncIterator]();
      for (;;) {
        const r = await iter.next();
        if (r.done) break;
        out.push(r.value);
      }
    } else if (it && typeof it.on === 'function' && typeof it[Symbol.iterator] !== 'function') {
      await new Promise((resolve, reject) => { it.on('data', (c) => out.push(c)); it.on('end', resolve); it.on('error', reject); });
    } else {
      for (const x of it) out.push(await x);
    }
    return out;
  }
  builtins.perf_hooks.performance = globals.performance;
  // partial: core modules with a safe part provided for real; their other
  // members are the stub's (they throw when used).
  const partial = {
    // one thread, nothing ever crosses to another
    // fixed answers that tell nothing about the host
    os: { EOL: '\n', platform: () => 'linux', type: () => 'Linux', arch: () => 'x64', endianness: () => 'LE',
      tmpdir: () => '/tmp', constants: { signals: {}, errno: {} }, devNull: '/dev/null' },
    // Linux's numbers; opening anything still throws
    fs: { constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64,
      O_EXCL: 128, O_NOCTTY: 256, O_TRUNC: 512, O_APPEND: 1024, O_DIRECTORY: 65536, O_NOFOLLOW: 131072,
      O_SYNC: 1052672, O_DSYNC: 4096, O_NONBLOCK: 2048, S_IFMT: 61440, S_IFREG: 32768, S_IFDIR: 16384,
      S_IFLNK: 40960, COPYFILE_EXCL: 1, COPYFILE_FICLONE: 2, COPYFILE_FICLONE_FORCE: 4 } },
    worker_threads: { isMainThread: true, threadId: 0, parentPort: null, workerData: null, resourceLimits: {},
      markAsUntransferable() {}, markAsUncloneable() {}, isMarkedAsUntransferable: () => false,
      getEnvironmentData: () => undefined, setEnvironmentData() {} },
  };
  return { globals, builtins, partial, stub, exportDescription, collect };
})
