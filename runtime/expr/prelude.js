// Runtime prelude: run once in every pooled JavaScript runtime, before any
// expression. It defines n8n's extension methods, the dispatcher that n8n's
// expression transform calls (extend), the error classes, the global helper
// functions ($ifEmpty, $max ...) and Luxon-compatible DateTime, Duration and
// Interval classes whose time-zone arithmetic is done in Go (__n8nx_dtn).
// It is noderun's own implementation of the behaviour recorded from n8n 2.41
// (testdata/expressions).
(function (G, N) {
  'use strict';

  // ---- errors -------------------------------------------------------------
  class ExpressionError extends Error {
    constructor(message, description) {
      super(message);
      this.name = 'ExpressionError';
      if (description !== undefined) this.description = description;
    }
  }
  class ExpressionExtensionError extends Error {
    constructor(message, description) {
      super(message);
      this.name = 'ExpressionExtensionError';
      if (description !== undefined) this.description = description;
    }
  }
  const extErr = (m, d) => new ExpressionExtensionError(m, d);

  // ---- DateTime -----------------------------------------------------------
  const DT = Symbol('DateTime');
  const UNIT_ALIASES = {
    year: 'years', years: 'years', quarter: 'quarters', quarters: 'quarters', month: 'months',
    months: 'months', week: 'weeks', weeks: 'weeks', day: 'days', days: 'days', hour: 'hours',
    hours: 'hours', minute: 'minutes', minutes: 'minutes', second: 'seconds', seconds: 'seconds',
    millisecond: 'milliseconds', milliseconds: 'milliseconds',
  };
  const UNIT_MS = { weeks: 604800000, days: 86400000, hours: 3600000, minutes: 60000, seconds: 1000, milliseconds: 1 };
  // Luxon's "casual" conversion between calendar units.
  const CASUAL_MS = { years: 365 * 86400000, quarters: 91 * 86400000, months: 30 * 86400000, ...UNIT_MS };
  const ORDERED_UNITS = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
  const normUnit = (u) => {
    const n = UNIT_ALIASES[u];
    if (!n) throw new Error('Invalid unit ' + u);
    return n;
  };
  const SINGULAR = { years: 'year', quarters: 'quarter', months: 'month', weeks: 'week', days: 'day', hours: 'hour', minutes: 'minute', seconds: 'second', milliseconds: 'millisecond' };

  function zoneOf(opts) {
    if (opts && opts.zone !== undefined && opts.zone !== null) {
      if (typeof opts.zone === 'string') return N.zone(opts.zone);
      if (opts.zone && typeof opts.zone.name === 'string') return N.zone(opts.zone.name);
    }
    return N.defaultZone();
  }
  function invalid(reason) {
    const d = Object.create(DateTime.prototype);
    d.ts = NaN; d._z = N.defaultZone(); d._inv = reason; d._loc = 'en-US';
    return d;
  }
  function make(ts, zone) {
    if (zone === null) return invalid('unsupported zone');
    if (typeof ts !== 'number' || !isFinite(ts) || Math.abs(ts) > 8.64e15) return invalid('invalid input');
    const d = Object.create(DateTime.prototype);
    d.ts = ts; d._z = zone; d._inv = null; d._loc = 'en-US';
    return d;
  }
  function parsed(r) {
    if (!r) return invalid('unparsable');
    return make(r[0], r[1]);
  }
  function normalizeObject(obj) {
    const out = {};
    for (const k of Object.keys(obj)) {
      const u = UNIT_ALIASES[k];
      if (!u) throw new Error('Invalid unit ' + k);
      const v = obj[k];
      if (typeof v !== 'number' || !isFinite(v)) throw new TypeError('Invalid unit value ' + v);
      out[u] = (out[u] || 0) + v;
    }
    return out;
  }
  function toDur(arg) {
    if (Duration.isDuration(arg)) return arg._v;
    if (typeof arg === 'number') return { milliseconds: arg };
    if (arg && typeof arg === 'object') return normalizeObject(arg);
    throw new Error('Unknown duration argument ' + arg + ' of type ' + typeof arg);
  }
  // Luxon's adjustTime: calendar units move the wall clock, time units move
  // the instant.
  function shift(dt, dur, sign) {
    if (!dt.isValid) return dt;
    const p = dt._parts();
    const y = p[0] + sign * Math.trunc(dur.years || 0);
    const mo = p[1] + sign * (Math.trunc(dur.months || 0) + Math.trunc(dur.quarters || 0) * 3);
    const ny = y + Math.floor((mo - 1) / 12);
    const nm = ((mo - 1) % 12 + 12) % 12 + 1;
    const dim = N.daysInMonth(ny, nm);
    const day = Math.min(p[2], dim) + sign * (Math.trunc(dur.days || 0) + Math.trunc(dur.weeks || 0) * 7);
    let ts = N.fromParts(ny, nm, day, p[3], p[4], p[5], p[6], dt._z, dt.ts);
    const millis = (dur.hours || 0) * 3600000 + (dur.minutes || 0) * 60000 + (dur.seconds || 0) * 1000 + (dur.milliseconds || 0);
    ts += sign * millis;
    return make(ts, dt._z);
  }

  class DateTime {
    constructor() { throw new TypeError('DateTime is not a constructor; use DateTime.fromISO(), DateTime.now() ...'); }
    static now() { return make(N.now(), N.defaultZone()); }
    static local(...a) {
      const opts = (a.length && typeof a[a.length - 1] === 'object') ? a.pop() : undefined;
      if (a.length === 0) return make(N.now(), zoneOf(opts));
      return DateTime.fromObject({ year: a[0], month: a[1] ?? 1, day: a[2] ?? 1, hour: a[3] ?? 0, minute: a[4] ?? 0, second: a[5] ?? 0, millisecond: a[6] ?? 0 }, opts);
    }
    static utc(...a) {
      if (a.length === 0) return make(N.now(), 'UTC');
      return DateTime.fromObject({ year: a[0], month: a[1] ?? 1, day: a[2] ?? 1, hour: a[3] ?? 0, minute: a[4] ?? 0, second: a[5] ?? 0, millisecond: a[6] ?? 0 }, { zone: 'UTC' });
    }
    static fromMillis(ms, opts) {
      if (typeof ms !== 'number') throw new TypeError('fromMillis requires a numerical input, but received a ' + typeof ms + ' with value ' + ms);
      return make(ms, zoneOf(opts));
    }
    static fromSeconds(s, opts) {
      if (typeof s !== 'number') throw new TypeError('fromSeconds requires a numerical input');
      return make(s * 1000, zoneOf(opts));
    }
    static fromJSDate(d, opts) {
      const ts = (d instanceof Date) ? d.getTime() : NaN;
      if (isNaN(ts)) return invalid('invalid input');
      return make(ts, zoneOf(opts));
    }
    static fromISO(s, opts) { return parsed(N.parseISO(String(s), zoneOf(opts), !!(opts && opts.setZone))); }
    static fromSQL(s, opts) { return parsed(N.parseSQL(String(s), zoneOf(opts), !!(opts && opts.setZone))); }
    static fromHTTP(s, opts) { return parsed(N.parseHTTP(String(s), zoneOf(opts), !!(opts && opts.setZone))); }
    static fromRFC2822(s, opts) { return parsed(N.parseRFC2822(String(s), zoneOf(opts), !!(opts && opts.setZone))); }
    static fromFormat(s, fmt, opts) { return parsed(N.parseFormat(String(s), String(fmt), zoneOf(opts), !!(opts && opts.setZone))); }
    static fromString(s, fmt, opts) { return DateTime.fromFormat(s, fmt, opts); }
    static fromObject(obj, opts) {
      const zone = zoneOf(opts);
      if (zone === null) return invalid('unsupported zone');
      const now = DateTime.fromMillis(N.now(), { zone });
      const o = obj || {};
      const has = (k) => o[k] !== undefined;
      const big = ['year', 'month', 'day'].findIndex(has);
      const np = now._parts();
      const pick = (k, i, def) => (has(k) ? o[k] : (big === -1 || i < big ? np[i] : def));
      const ts = N.fromParts(pick('year', 0, 1), pick('month', 1, 1), pick('day', 2, 1), o.hour ?? 0, o.minute ?? 0, o.second ?? 0, o.millisecond ?? 0, zone, NaN);
      return make(ts, zone);
    }
    static isDateTime(o) { return !!(o && o[DT]); }
    static max(...d) { return d.reduce((a, b) => (b.valueOf() > a.valueOf() ? b : a), d[0]); }
    static min(...d) { return d.reduce((a, b) => (b.valueOf() < a.valueOf() ? b : a), d[0]); }
    static invalid(reason) { return invalid(reason); }

    _parts() {
      if (this._p === undefined) Object.defineProperty(this, '_p', { value: N.parts(this.ts, this._z), enumerable: false });
      return this._p;
    }
    get isValid() { return this._inv === null; }
    get invalidReason() { return this._inv; }
    get zoneName() { return this.isValid ? N.zoneName(this._z) : null; }
    get zone() { return { name: N.zoneName(this._z), type: 'zone' }; }
    get locale() { return this._loc; }
    get year() { return this.isValid ? this._parts()[0] : NaN; }
    get month() { return this.isValid ? this._parts()[1] : NaN; }
    get day() { return this.isValid ? this._parts()[2] : NaN; }
    get hour() { return this.isValid ? this._parts()[3] : NaN; }
    get minute() { return this.isValid ? this._parts()[4] : NaN; }
    get second() { return this.isValid ? this._parts()[5] : NaN; }
    get millisecond() { return this.isValid ? this._parts()[6] : NaN; }
    get offset() { return this.isValid ? this._parts()[7] : NaN; }
    get weekday() { return this.isValid ? this._parts()[8] : NaN; }
    get ordinal() { return this.isValid ? this._parts()[9] : NaN; }
    get weekNumber() { return this.isValid ? this._parts()[10] : NaN; }
    get weekYear() { return this.isValid ? this._parts()[11] : NaN; }
    get weekdayShort() { return this.isValid ? N.format(this.ts, this._z, 'ccc') : null; }
    get weekdayLong() { return this.isValid ? N.format(this.ts, this._z, 'cccc') : null; }
    get monthShort() { return this.isValid ? N.format(this.ts, this._z, 'LLL') : null; }
    get monthLong() { return this.isValid ? N.format(this.ts, this._z, 'LLLL') : null; }
    get quarter() { return this.isValid ? Math.ceil(this._parts()[1] / 3) : NaN; }
    get daysInMonth() { return this.isValid ? N.daysInMonth(this.year, this.month) : NaN; }
    get daysInYear() { return this.isValid ? (this.isInLeapYear ? 366 : 365) : NaN; }
    get isInLeapYear() { const y = this.year; return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0; }
    get isInDST() { return this.isValid ? this._parts()[12] === 1 : false; }
    get isOffsetFixed() { return this.isValid ? N.isFixed(this._z) : null; }
    get offsetNameShort() { return this.isValid ? N.format(this.ts, this._z, 'ZZZZ') : null; }
    get offsetNameLong() { return this.isValid ? N.format(this.ts, this._z, 'ZZZZZ') : null; }
    get(unit) { return this[unit]; }

    toISO(opts) {
      if (!this.isValid) return null;
      const ms = (opts && opts.suppressMilliseconds && this.millisecond === 0) ? '' : '.SSS';
      return N.format(this.ts, this._z, "yyyy-MM-dd'T'HH:mm:ss" + ms) + N.isoOffset(this.ts, this._z);
    }
    toISODate() { return this.isValid ? N.format(this.ts, this._z, 'yyyy-MM-dd') : null; }
    toISOWeekDate() { return this.isValid ? N.format(this.ts, this._z, "kkkk-'W'WW-c") : null; }
    toISOTime() { return this.isValid ? N.format(this.ts, this._z, 'HH:mm:ss.SSS') + N.isoOffset(this.ts, this._z) : null; }
    toSQLDate() { return this.toISODate(); }
    toSQLTime() { return this.isValid ? N.format(this.ts, this._z, 'HH:mm:ss.SSS ') + N.isoOffset(this.ts, this._z) : null; }
    toSQL() { return this.isValid ? N.format(this.ts, this._z, 'yyyy-MM-dd HH:mm:ss.SSS ') + N.isoOffset(this.ts, this._z) : null; }
    toRFC2822() { return this.isValid ? N.format(this.ts, this._z, 'ccc, dd LLL yyyy HH:mm:ss ZZZ') : null; }
    toHTTP() { return this.isValid ? N.format(this.ts, 'UTC', "ccc, dd LLL yyyy HH:mm:ss 'GMT'") : null; }
    toFormat(fmt) { return this.isValid ? N.format(this.ts, this._z, String(fmt)) : 'Invalid DateTime'; }
    toLocaleString(fmt) {
      if (!this.isValid) return 'Invalid DateTime';
      return N.format(this.ts, this._z, (fmt && fmt.__n8nx_fmt) || 'D');
    }
    toString() { return this.isValid ? this.toISO() : 'Invalid DateTime'; }
    toJSON() { return this.toISO(); }
    valueOf() { return this.isValid ? this.ts : NaN; }
    toMillis() { return this.isValid ? this.ts : NaN; }
    toSeconds() { return this.isValid ? this.ts / 1000 : NaN; }
    toUnixInteger() { return this.isValid ? Math.floor(this.ts / 1000) : NaN; }
    toJSDate() { return new Date(this.isValid ? this.ts : NaN); }
    toObject() {
      if (!this.isValid) return {};
      const p = this._parts();
      return { year: p[0], month: p[1], day: p[2], hour: p[3], minute: p[4], second: p[5], millisecond: p[6] };
    }
    toUTC() { return this.setZone('UTC'); }
    toLocal() { return this.setZone(N.defaultZone()); }
    setZone(zone, opts) {
      if (!this.isValid) return this;
      const z = (zone === undefined || zone === null || zone === 'local' || zone === 'default' || zone === 'system') ? N.defaultZone()
        : N.zone(typeof zone === 'string' ? zone : (zone && zone.name));
      if (z === null) return invalid('unsupported zone');
      if (opts && opts.keepLocalTime) {
        const p = this._parts();
        return make(N.fromParts(p[0], p[1], p[2], p[3], p[4], p[5], p[6], z, NaN), z);
      }
      return make(this.ts, z);
    }
    setLocale() { return this; }
    reconfigure() { return this; }
    plus(d) { return shift(this, toDur(d), 1); }
    minus(d) { return shift(this, toDur(d), -1); }
    set(values) {
      if (!this.isValid) return this;
      const p = this._parts();
      const v = values || {};
      if (v.weekday !== undefined) {
        const base = this.plus({ days: v.weekday - p[8] });
        return base.set({ ...v, weekday: undefined, year: undefined, month: undefined, day: undefined });
      }
      const y = v.year ?? p[0], mo = v.month ?? p[1];
      const d = v.day ?? Math.min(p[2], N.daysInMonth(y, mo));
      return make(N.fromParts(y, mo, d, v.hour ?? p[3], v.minute ?? p[4], v.second ?? p[5], v.millisecond ?? p[6], this._z, this.ts), this._z);
    }
    startOf(unit) {
      if (!this.isValid) return this;
      const u = normUnit(unit);
      const p = this._parts();
      const o = {};
      switch (u) {
        case 'years': o.month = 1; // falls through
        case 'quarters': case 'months': o.day = 1; // falls through
        case 'weeks': case 'days': o.hour = 0; // falls through
        case 'hours': o.minute = 0; // falls through
        case 'minutes': o.second = 0; // falls through
        case 'seconds': o.millisecond = 0; break;
        default: break;
      }
      if (u === 'weeks') o.weekday = 1;
      if (u === 'quarters') o.month = (Math.ceil(p[1] / 3) - 1) * 3 + 1;
      return this.set(o);
    }
    endOf(unit) {
      if (!this.isValid) return this;
      const u = normUnit(unit);
      return this.plus({ [u]: 1 }).startOf(u).minus(1);
    }
    hasSame(other, unit) {
      if (!this.isValid || !other || !other.isValid) return false;
      const o = other.setZone(this._z);
      return this.startOf(unit) <= o && o <= this.endOf(unit);
    }
    equals(other) {
      return !!other && this.isValid && other.isValid && this.ts === other.ts && this._z === other._z;
    }
    diff(other, unit, opts) {
      if (!this.isValid || !other || !other.isValid) return Duration.invalid('created by diffing an invalid DateTime');
      const units = (Array.isArray(unit) ? unit : [unit === undefined ? 'milliseconds' : unit]).map(normUnit);
      return diffDates(this, other, units);
    }
    diffNow(unit, opts) { return this.diff(DateTime.now(), unit, opts); }
    until(other) { return Interval.fromDateTimes(this, other); }
    toRelative(opts) {
      if (!this.isValid) return null;
      const base = (opts && opts.base) || DateTime.now();
      const units = ['years', 'months', 'days', 'hours', 'minutes', 'seconds'];
      const diff = this.diff(base, units).toObject();
      for (const u of units) {
        const n = Math.trunc(diff[u] || 0);
        if (n !== 0) {
          const abs = Math.abs(n);
          const word = abs === 1 ? SINGULAR[u] : u;
          return n < 0 ? abs + ' ' + word + ' ago' : 'in ' + abs + ' ' + word;
        }
      }
      return 'in 0 seconds';
    }
  }
  Object.defineProperty(DateTime.prototype, DT, { value: true });
  for (const [k, v] of Object.entries({ DATE_SHORT: 'D', DATE_MED: 'DD', DATE_FULL: 'DDD', DATE_HUGE: 'DDDD', TIME_SIMPLE: 't', TIME_WITH_SECONDS: 'tt', TIME_24_SIMPLE: 'T', TIME_24_WITH_SECONDS: 'TT', DATETIME_SHORT: 'f', DATETIME_MED: 'ff' })) {
    DateTime[k] = { __n8nx_fmt: v };
  }

  // Luxon's diff: calendar units are counted on the wall clock, the rest is
  // what remains in milliseconds, spread over the smaller units or kept as a
  // fraction of the smallest calendar unit.
  function diffDates(later, earlier, units) {
    const sign = later.ts >= earlier.ts ? 1 : -1;
    const [hi, lo] = sign === 1 ? [later, earlier] : [earlier, later];
    const result = {};
    let cursor = lo;
    let lowest;
    const cal = ['years', 'quarters', 'months', 'weeks', 'days'].filter((u) => units.includes(u));
    for (const u of cal) {
      let n;
      if (u === 'days') {
        const a = cursor._parts(), b = hi._parts();
        n = Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86400000);
      } else if (u === 'weeks') {
        const a = cursor._parts(), b = hi._parts();
        n = Math.floor(Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86400000) / 7);
      } else {
        const a = cursor._parts(), b = hi._parts();
        let months = (b[0] - a[0]) * 12 + (b[1] - a[1]);
        if (u === 'years') n = Math.trunc(months / 12);
        else if (u === 'quarters') n = Math.trunc(months / 3);
        else n = months;
      }
      let next = cursor.plus({ [u]: n });
      if (next.ts > hi.ts) { n -= 1; next = cursor.plus({ [u]: n }); }
      result[u] = n;
      cursor = next;
      lowest = u;
    }
    let remaining = hi.ts - cursor.ts;
    const small = ['hours', 'minutes', 'seconds', 'milliseconds'].filter((u) => units.includes(u));
    if (small.length) {
      for (const u of small) {
        const n = u === small[small.length - 1] ? remaining / UNIT_MS[u] : Math.trunc(remaining / UNIT_MS[u]);
        result[u] = n;
        remaining -= n * UNIT_MS[u];
      }
    } else if (lowest !== undefined && remaining > 0) {
      const step = cursor.plus({ [lowest]: 1 }).ts - cursor.ts;
      result[lowest] += remaining / step;
    } else if (lowest === undefined) {
      result.milliseconds = remaining;
    }
    const out = {};
    for (const u of ORDERED_UNITS) if (u in result) out[u] = sign === 1 ? result[u] : (result[u] === 0 ? 0 : -result[u]);
    return Duration.fromObject(out);
  }

  // ---- Duration -----------------------------------------------------------
  const DUR = Symbol('Duration');
  class Duration {
    constructor() { throw new TypeError('Duration is not a constructor; use Duration.fromObject() ...'); }
    static _make(values, inv) {
      const d = Object.create(Duration.prototype);
      d._v = values; d._inv = inv || null;
      return d;
    }
    static fromObject(obj) { return Duration._make(normalizeObject(obj || {})); }
    static fromMillis(ms) { return Duration._make({ milliseconds: ms }); }
    static fromISO(s) {
      const m = /^P(?:(-?\d+(?:[.,]\d+)?)Y)?(?:(-?\d+(?:[.,]\d+)?)M)?(?:(-?\d+(?:[.,]\d+)?)W)?(?:(-?\d+(?:[.,]\d+)?)D)?(?:T(?:(-?\d+(?:[.,]\d+)?)H)?(?:(-?\d+(?:[.,]\d+)?)M)?(?:(-?\d+(?:[.,]\d+)?)S)?)?$/.exec(String(s));
      if (!m || s === 'P' || /T$/.test(s)) return Duration.invalid('unparsable');
      const keys = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'];
      const v = {};
      keys.forEach((k, i) => { if (m[i + 1] !== undefined) v[k] = parseFloat(m[i + 1].replace(',', '.')); });
      return Duration._make(v);
    }
    static isDuration(o) { return !!(o && o[DUR]); }
    static invalid(reason) { return Duration._make({}, reason); }
    get isValid() { return this._inv === null; }
    get invalidReason() { return this._inv; }
    get(u) { return this._v[normUnit(u)] || 0; }
    toObject() { return this.isValid ? { ...this._v } : {}; }
    toMillis() { return this.as('milliseconds'); }
    valueOf() { return this.toMillis(); }
    as(unit) {
      if (!this.isValid) return NaN;
      const u = normUnit(unit);
      let ms = 0;
      for (const k of Object.keys(this._v)) ms += this._v[k] * CASUAL_MS[k];
      return ms / CASUAL_MS[u];
    }
    shiftTo(...units) {
      if (!this.isValid) return this;
      const us = units.map(normUnit);
      let ms = this.toMillis();
      const out = {};
      const ordered = ORDERED_UNITS.filter((u) => us.includes(u));
      ordered.forEach((u, i) => {
        const n = i === ordered.length - 1 ? ms / CASUAL_MS[u] : Math.trunc(ms / CASUAL_MS[u]);
        out[u] = n;
        ms -= n * CASUAL_MS[u];
      });
      return Duration._make(out);
    }
    plus(d) { const o = { ...this._v }; for (const [k, v] of Object.entries(toDur(d))) o[k] = (o[k] || 0) + v; return Duration._make(o); }
    minus(d) { const o = { ...this._v }; for (const [k, v] of Object.entries(toDur(d))) o[k] = (o[k] || 0) - v; return Duration._make(o); }
    negate() { const o = {}; for (const [k, v] of Object.entries(this._v)) o[k] = v === 0 ? 0 : -v; return Duration._make(o); }
    toISO() {
      if (!this.isValid) return null;
      const v = this._v;
      let s = 'P';
      if (v.years) s += v.years + 'Y';
      if (v.quarters) s += v.quarters * 3 + 'M';
      if (v.months) s += v.months + 'M';
      if (v.weeks) s += v.weeks + 'W';
      if (v.days) s += v.days + 'D';
      if (v.hours || v.minutes || v.seconds || v.milliseconds) s += 'T';
      if (v.hours) s += v.hours + 'H';
      if (v.minutes) s += v.minutes + 'M';
      if (v.seconds || v.milliseconds) s += Math.round(((v.seconds || 0) + (v.milliseconds || 0) / 1000) * 1000) / 1000 + 'S';
      if (s === 'P') s += 'T0S';
      return s;
    }
    toJSON() { return this.toISO(); }
    toString() { return this.toISO(); }
  }
  Object.defineProperty(Duration.prototype, DUR, { value: true });
  for (const u of ORDERED_UNITS) Object.defineProperty(Duration.prototype, u, { get() { return this.isValid ? (this._v[u] || 0) : NaN; } });

  // ---- Interval -----------------------------------------------------------
  class Interval {
    constructor() { throw new TypeError('Interval is not a constructor; use Interval.fromDateTimes()'); }
    // Own properties as Luxon's (s, e, invalid, isLuxonInterval): n8n
    // hands an Interval result out as that object, and its JSON is theirs
    // (Luxon's Interval has no toJSON). An invalid one has no s and e.
    static _make(s, e, invalid) {
      const i = Object.create(Interval.prototype);
      i.s = s; i.e = e; i.invalid = invalid; i.isLuxonInterval = true;
      return i;
    }
    static invalid(reason, explanation) { return Interval._make(undefined, undefined, { reason, explanation: explanation === undefined ? null : explanation }); }
    static fromDateTimes(start, end) {
      // Luxon's friendlyDateTime: a DateTime, a JS Date, millis or an object.
      const friendly = (v) => (isDateTime(v) ? v : (v instanceof Date ? DateTime.fromJSDate(v)
        : (typeof v === 'number' ? DateTime.fromMillis(v) : (v && typeof v === 'object' ? DateTime.fromObject(v) : undefined))));
      const s = friendly(start), e = friendly(end);
      if (!s || !s.isValid) return Interval.invalid('missing or invalid start');
      if (!e || !e.isValid) return Interval.invalid('missing or invalid end');
      if (e.ts < s.ts) return Interval.invalid('end before start', 'The end of an interval must be after its start, but you had start=' + s.toISO() + ' and end=' + e.toISO());
      return Interval._make(s, e, null);
    }
    static after(start, d) { return Interval.fromDateTimes(start, start.plus(d)); }
    static before(end, d) { return Interval.fromDateTimes(end.minus(d), end); }
    get _inv() { return this.invalid ? this.invalid.reason : null; }
    get start() { return this._inv ? null : this.s; }
    get end() { return this._inv ? null : this.e; }
    get isValid() { return this.invalid === null; }
    get invalidReason() { return this.invalid ? this.invalid.reason : null; }
    get invalidExplanation() { return this.invalid ? this.invalid.explanation : null; }
    toDuration(unit) { return this.isValid ? this.e.diff(this.s, unit) : Duration.invalid(this._inv); }
    length(unit) { return this.isValid ? this.toDuration(unit || 'milliseconds').as(unit || 'milliseconds') : NaN; }
    contains(dt) { return this.isValid && this.s.ts <= dt.valueOf() && this.e.ts > dt.valueOf(); }
    isBefore(dt) { return this.isValid && this.e.ts <= dt.valueOf(); }
    isAfter(dt) { return this.isValid && this.s.ts > dt.valueOf(); }
    overlaps(o) { return this.isValid && o.isValid && this.e.ts > o.s.ts && this.s.ts < o.e.ts; }
    toISO() { return this.isValid ? this.s.toISO() + '/' + this.e.toISO() : null; }
    toString() { return this.isValid ? '[' + this.s.toISO() + ' – ' + this.e.toISO() + ')' : 'Invalid Interval'; }
  }

  // ---- extension helpers --------------------------------------------------
  const isDateTime = (v) => DateTime.isDateTime(v);
  const toDT = (v) => (isDateTime(v) ? v : (v instanceof Date ? DateTime.fromJSDate(v) : invalid('invalid input')));
  const isPlainObject = (v) => v !== null && typeof v === 'object';
  function deepEqual(a, b) {
    if (a === b) return true;
    if (typeof a === 'number' && typeof b === 'number') return a !== a && b !== b;
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  function uniqueBy(arr, eq) {
    const out = [];
    for (const v of arr) if (!out.some((w) => eq(w, v))) out.push(v);
    return out;
  }
  function numbersOnly(arr, name) {
    if (!arr.every((v) => typeof v === 'number')) throw extErr(name + '(): all array elements must be numbers');
  }
  const setField = (o, k, v) => Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  function compactObject(o) {
    const out = {};
    for (const [k, v] of Object.entries(o)) {
      if (v === null || v === undefined || v === 'nil' || v === '') continue;
      if (typeof v === 'object') {
        if (Object.keys(v).length === 0) continue;
        setField(out, k, compactObject(v));
      } else setField(out, k, v);
    }
    return out;
  }
  const CURRENCY = /[$€£¥₹₽₩₪₫₴₺฿₦₱₲₵₸₼₾]/g;
  const isEmail = (s) => N.isEmail(s);
  const TRANSLIT = { 'ß': 'ss', 'æ': 'ae', 'Æ': 'AE', 'ø': 'o', 'Ø': 'O', 'œ': 'oe', 'Œ': 'OE', 'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ð': 'd', 'þ': 'th', 'Þ': 'TH', 'ı': 'i' };
  function parseDateString(value) {
    const s = String(value).trim();
    for (const f of [N.parseISO, N.parseHTTP, N.parseRFC2822, N.parseSQL]) {
      const r = f(s, N.defaultZone(), true);
      if (r) return make(r[0], r[1]);
    }
    const ms = N.parseLoose(s);
    if (ms !== null) return make(ms, N.defaultZone());
    throw extErr('Value is not a valid date');
  }
  function numberToDateTime(value, format) {
    switch (format) {
      case 'excel': return DateTime.fromSeconds((value - 25569) * 86400);
      case 's': return DateTime.fromSeconds(value);
      case 'us': return DateTime.fromMillis(value / 1000);
      case 'ms': return DateTime.fromMillis(value);
      default: throw extErr("Unsupported format '" + String(format) + "'. toDateTime() supports 'ms', 's', 'us' and 'excel'.");
    }
  }
  const unitForDuration = (u) => ({ day: 'days', month: 'months', year: 'years', week: 'weeks', hour: 'hours', minute: 'minutes', second: 'seconds', millisecond: 'milliseconds', ms: 'milliseconds', sec: 'seconds', secs: 'seconds', hr: 'hours', hrs: 'hours', min: 'minutes', mins: 'minutes' }[u] || u);
  const unitForDate = (u) => ({ days: 'day', months: 'month', years: 'year', hours: 'hour', minutes: 'minute', seconds: 'second', milliseconds: 'millisecond', hrs: 'hour', hr: 'hour', mins: 'minute', min: 'minute', secs: 'second', sec: 'second', ms: 'millisecond' }[u] || u);
  const dateOut = (input, dt) => (isDateTime(input) ? dt : dt.toJSDate());
  function datePlusMinus(input, args, sign) {
    const dt = toDT(input);
    let d;
    if (args.length === 1) d = args[0];
    else d = { [unitForDuration(args[1] === undefined ? 'minutes' : args[1])]: args[0] === undefined ? 0 : args[0] };
    return dateOut(input, sign > 0 ? dt.plus(d) : dt.minus(d));
  }
  const DIFF_UNITS = ['milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years'];
  const DATE_PARTS = ['day', 'week', 'month', 'year', 'hour', 'minute', 'second', 'millisecond', 'weekNumber', 'yearDayNumber', 'weekday'];
  function diffTo(input, args) {
    const [other, unit = 'days'] = args;
    let units = Array.isArray(unit) ? unit : [unit];
    if (units.length === 0) units = ['days'];
    const bad = units.find((u) => !DIFF_UNITS.includes(u) && !DATE_PARTS.includes(u));
    if (bad !== undefined) throw extErr("Unsupported unit '" + String(bad) + "'. Supported: " + DIFF_UNITS.map((u) => "'" + u + "'").join(', ') + '.');
    const o = isDateTime(other) ? other : (typeof other === 'string' ? stringExt.toDateTime(other, []) : DateTime.fromJSDate(other));
    const r = toDT(input).diff(o, units);
    return units.length > 1 ? r.toObject() : r.as(units[0]);
  }

  // Extension tables have no prototype: a lookup finds own names only.
  const table = (o) => Object.assign(Object.create(null), o);
  const stringExt = table({
    hash(v, [alg]) {
      const a = alg === undefined ? 'md5' : String(alg).toLowerCase();
      if (a === 'base64') return N.base64(v);
      const h = N.hash(v, a);
      if (h === null) throw extErr('Unknown algorithm ' + a + '. Available algorithms are: md5,sha1,sha224,sha256,sha384,sha512,sha3, and Base64.');
      return h;
    },
    removeMarkdown(v) {
      return v.replace(/^([\s\t]*)([*\-+]|\d\.)\s+/gm, '$1').replace(/\n={2,}/g, '\n').replace(/~~/g, '').replace(/`{3}.*\n/g, '')
        .replace(/<[^>\n]+>/g, '').replace(/!\[.*?\][[(].*?[\])]/g, '').replace(/\[(.*?)\][[(].*?[\])]/g, '$1').replace(/>/g, '')
        .replace(/^#{1,6}\s*([^#]*)\s*(#{1,6})?/gm, '$1').replace(/([*_]{1,3})(\S.*?\S)\1/g, '$2').replace(/`(.+?)`/g, '$1').replace(/\n{2,}/g, '\n\n');
    },
    removeTags: (v) => v.replace(/<[^>]*>?/gm, ''),
    toDate(v) {
      const d = new Date(N.parseDate(v));
      if (isNaN(d.getTime())) throw extErr('cannot convert to date');
      if (!/:/.test(v)) d.setHours(0, 0, 0);
      return d;
    },
    toDateTime(v, [fmt] = []) {
      try {
        if (fmt) {
          if (fmt === 'ms' || fmt === 's' || fmt === 'us' || fmt === 'excel') return numberToDateTime(Number(v), fmt);
          return DateTime.fromFormat(v, fmt);
        }
        return parseDateString(v);
      } catch (e) {
        throw extErr('cannot convert to Luxon DateTime');
      }
    },
    toBoolean: (v) => !['false', 'no', '0', ''].includes(v.toLowerCase()),
    toDecimalNumber: (v) => stringExt.toFloat(v),
    toNumber(v) {
      const n = Number(v.replace(CURRENCY, ''));
      if (isNaN(n)) throw extErr('cannot convert to number');
      return n;
    },
    toFloat(v) {
      if (v.includes(',')) throw extErr('cannot convert to float, expected . as decimal separator');
      const n = parseFloat(v.replace(CURRENCY, ''));
      if (isNaN(n)) throw extErr('cannot convert to float');
      return n;
    },
    toInt(v, [radix]) {
      const n = parseInt(v.replace(CURRENCY, ''), radix);
      if (isNaN(n)) throw extErr('cannot convert to integer');
      return n;
    },
    toWholeNumber: (v, a) => stringExt.toInt(v, a),
    toSentenceCase: (v) => N.sentenceCase(v),
    toSnakeCase: (v) => v.toLowerCase().replace(/[ -]/g, '_').replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,./:;<=>?@[\]^`{|}~]/g, ''),
    toTitleCase: (v) => N.titleCase(v),
    urlDecode: (v, [whole = false]) => (whole ? decodeURI(String(v)) : decodeURIComponent(String(v))),
    urlEncode: (v, [whole = false]) => (whole ? encodeURI(String(v)) : encodeURIComponent(String(v))),
    quote(v, [q = '"']) {
      return q + v.replace(/\\/g, '\\\\').split(q).join('\\' + q) + q;
    },
    replaceSpecialChars(v) {
      return v.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\u0000-\u007f]/g, (c) => (TRANSLIT[c] !== undefined ? TRANSLIT[c] : '?'));
    },
    length: (v) => v.length,
    isDomain: (v) => N.isDomain(v),
    isEmail,
    isNumeric: (v) => !v.includes(' ') && !isNaN(v) && !isNaN(parseFloat(v)),
    isUrl: (v) => N.isUrl(v),
    isEmpty: (v) => v === '',
    isNotEmpty: (v) => v !== '',
    toJsonString: (v) => JSON.stringify(v),
    extractEmail: (v) => N.extract('email', v) ?? undefined,
    extractDomain: (v) => N.extract('domain', v) ?? undefined,
    extractUrl: (v) => N.extract('url', v) ?? undefined,
    extractUrlPath(v) {
      const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(v);
      if (!m) return undefined;
      return m[1] === '' ? '/' : m[1];
    },
    parseJson(v) {
      try { return JSON.parse(v); } catch (e) {
        // n8n's hint for the common mistake of single-quoted JSON.
        if (v.includes("'")) throw extErr("Parsing failed. Check you're using double quotes");
        throw extErr('Parsing failed');
      }
    },
    base64Encode: (v) => N.base64(v),
    base64Decode: (v) => N.unbase64(v),
  });

  const numberExt = table({
    ceil: Math.ceil, floor: Math.floor, abs: Math.abs,
    format(v, [locale = 'en-US', opts = {}]) { return N.formatNumber(v, String(locale), opts || {}); },
    round: (v, [places = 0]) => +v.toFixed(places),
    isInteger: (v) => Number.isInteger(v),
    isEven(v) { if (!Number.isInteger(v)) throw extErr('isEven() is only callable on integers'); return v % 2 === 0; },
    isOdd(v) { if (!Number.isInteger(v)) throw extErr('isOdd() is only callable on integers'); return Math.abs(v) % 2 === 1; },
    toBoolean: (v) => v !== 0,
    toInt: (v) => +v.toFixed(0),
    toFloat: (v) => v,
    toDateTime: (v, [fmt = 'ms']) => numberToDateTime(v, fmt),
  });

  const arrayExt = table({
    removeDuplicates(v, keys) {
      const view = (x) => {
        if (keys.length && x && typeof x === 'object') {
          const o = {};
          for (const k of keys) o[k] = x[k];
          return o;
        }
        return x;
      };
      return uniqueBy(v, (a, b) => deepEqual(view(a), view(b)));
    },
    first: (v) => v[0],
    last: (v) => v[v.length - 1],
    reverse: (v) => v.slice().reverse(),
    pluck(v, fields) {
      if (!fields.length) return v;
      const out = [];
      for (const item of v) {
        if (!item || typeof item !== 'object') continue;
        const got = [];
        for (const k of Object.keys(item)) if (fields.includes(k)) got.push(item[k]);
        if (got.length) out.push(got.length === 1 ? got[0] : got);
      }
      return out;
    },
    randomItem: (v) => (v.length ? v[Math.floor(Math.random() * v.length)] : undefined),
    sum(v) { numbersOnly(v, 'sum'); return v.reduce((a, b) => a + b, 0); },
    min(v) { numbersOnly(v, 'min'); return Math.min.apply(null, v); },
    max(v) { numbersOnly(v, 'max'); return Math.max.apply(null, v); },
    average(v) { numbersOnly(v, 'average'); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0; },
    isNotEmpty: (v) => v.length > 0,
    isEmpty: (v) => v.length === 0,
    compact(v) {
      return v.filter((x) => !(x && typeof x === 'object' && Object.keys(x).length === 0) && x !== null && x !== undefined && x !== 'nil' && x !== '')
        .map((x) => (x !== null && typeof x === 'object' ? compactObject(x) : x));
    },
    smartJoin(v, [kf, vf]) {
      if (!kf || !vf || typeof kf !== 'string' || typeof vf !== 'string') throw extErr('smartJoin(): expected two string args, e.g. .smartJoin("name", "value")');
      const out = {};
      for (const x of v) if (x && typeof x === 'object' && kf in x && vf in x) setField(out, x[kf], x[vf]);
      return out;
    },
    chunk(v, [size]) {
      if (typeof size !== 'number' || size === 0) throw extErr('chunk(): expected non-zero numeric arg, e.g. .chunk(5)');
      const out = [];
      for (let i = 0; i < v.length; i += size) out.push(v.slice(i, i + size));
      return out;
    },
    renameKeys(v, args) {
      if (args.length === 0 || args.length % 2 !== 0) throw extErr('renameKeys(): expected an even amount of args: from1, to1 [, from2, to2, ...]. e.g. .renameKeys("name", "title")');
      return v.map((x) => {
        if (typeof x !== 'object' || x === null) return x;
        const o = { ...x };
        for (let i = 0; i < args.length; i += 2) {
          if (Object.prototype.hasOwnProperty.call(o, args[i])) { setField(o, args[i + 1], o[args[i]]); delete o[args[i]]; }
        }
        return o;
      });
    },
    merge(v, [others]) {
      const fill = (base, extra) => {
        const o = { ...base };
        for (const [k, x] of Object.entries(extra || {})) if (!Object.prototype.hasOwnProperty.call(o, k)) setField(o, k, x);
        return o;
      };
      if (others === undefined) return v.reduce((acc, x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? fill(acc, x) : acc), {});
      if (!Array.isArray(others)) throw extErr('merge(): expected array arg, e.g. .merge([{ id: 1, otherValue: 3 }])');
      const out = {};
      for (let i = 0; i < Math.max(v.length, others.length); i++) {
        if (v[i] !== undefined && typeof v[i] === 'object' && typeof others[i] === 'object') {
          for (const [k, x] of Object.entries(fill(v[i], others[i]))) setField(out, k, x);
        }
      }
      return out;
    },
    mergeIntoObject(v, [others]) {
      if (!Array.isArray(others)) throw extErr('mergeIntoObject(): expected array arg, e.g. .mergeIntoObject([{ id: 1, otherValue: 3 }])');
      const out = {};
      for (let i = 0; i < Math.max(v.length, others.length); i++) {
        const a = v[i] !== null && typeof v[i] === 'object' ? v[i] : undefined;
        const b = others[i] !== null && typeof others[i] === 'object' ? others[i] : undefined;
        const src = a ? arrayExt.merge([a], [[b || {}]]) : b;
        if (src) for (const [k, x] of Object.entries(src)) setField(out, k, x);
      }
      return out;
    },
    union(v, [others]) {
      if (!Array.isArray(others)) throw extErr('union(): expected array arg, e.g. .union([1, 2, 3, 4])');
      return uniqueBy(v.concat(others), deepEqual);
    },
    difference(v, [others]) {
      if (!Array.isArray(others)) throw extErr('difference(): expected array arg, e.g. .difference([1, 2, 3, 4])');
      return uniqueBy(v.filter((x) => !others.some((w) => deepEqual(w, x))), deepEqual);
    },
    intersection(v, [others]) {
      if (!Array.isArray(others)) throw extErr('intersection(): expected array arg, e.g. .intersection([1, 2, 3, 4])');
      const both = v.filter((x) => others.some((w) => deepEqual(w, x))).concat(others.filter((x) => v.some((w) => deepEqual(w, x))));
      return uniqueBy(both, deepEqual);
    },
    append: (v, args) => v.concat(args),
    toJsonString: (v) => JSON.stringify(v),
    toInt: () => undefined, toFloat: () => undefined, toBoolean: () => undefined, toDateTime: () => undefined,
  });
  arrayExt.unique = arrayExt.removeDuplicates;

  const objectExt = table({
    isEmpty: (v) => Object.keys(v).length === 0,
    isNotEmpty: (v) => Object.keys(v).length !== 0,
    hasField: (v, [name]) => name in v,
    removeField(v, [name]) {
      if (!(name in v)) return v;
      const o = { ...v };
      delete o[name];
      return o;
    },
    removeFieldsContaining(v, [m]) {
      if (typeof m !== 'string' || m === '') throw extErr('removeFieldsContaining(): expected non-empty string arg');
      const o = { ...v };
      for (const [k, x] of Object.entries(v)) if (typeof x === 'string' && x.includes(m)) delete o[k];
      return o;
    },
    keepFieldsContaining(v, [m]) {
      if (typeof m !== 'string' || m === '') throw extErr('argument of keepFieldsContaining must be a non-empty string');
      const o = { ...v };
      for (const [k, x] of Object.entries(v)) if (typeof x !== 'string' || !x.includes(m)) delete o[k];
      return o;
    },
    compact: compactObject,
    urlEncode(v) {
      const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
      return Object.entries(v).map(([k, x]) => enc(k) + '=' + enc(String(x))).join('&');
    },
    keys: (v) => Object.keys(v),
    values: (v) => Object.values(v),
    toJsonString: (v) => JSON.stringify(v),
    toInt: () => undefined, toFloat: () => undefined, toBoolean: () => undefined, toDateTime: () => undefined,
  });

  const booleanExt = table({
    toBoolean: (v) => v,
    toInt: (v) => (v ? 1 : 0),
    toFloat: (v) => (v ? 1 : 0),
    toNumber: (v) => (v ? 1 : 0),
    toDateTime: () => undefined,
  });

  const dateExt = table({
    beginningOf: (v, [u = 'week']) => dateOut(v, toDT(v).startOf(unitForDate(u))),
    endOfMonth: (v) => dateOut(v, toDT(v).endOf('month')),
    extract(v, [part = 'week']) {
      const dt = toDT(v);
      if (part === 'yearDayNumber') return dt.ordinal;
      if (part === 'week') part = 'weekNumber';
      const r = dt.get(unitForDate(part));
      return r === undefined ? null : r; // an unknown part is null in n8n
    },
    format: (v, [fmt]) => toDT(v).toFormat(fmt),
    isBetween(v, args) {
      if (args.length !== 2) throw extErr('isBetween(): expected exactly two args');
      const conv = (x) => (typeof x === 'string' ? DateTime.fromJSDate(new Date(N.parseDate(x))) : (x instanceof Date ? DateTime.fromJSDate(x) : (isDateTime(x) ? x : undefined)));
      const a = conv(args[0]), b = conv(args[1]);
      if (!a || !b || (typeof args[0] === 'string' && !a.isValid) || (typeof args[1] === 'string' && !b.isValid)) return undefined;
      const d = toDT(v);
      return a > b ? (b < d && d < a) : (b > d && d > a);
    },
    isDst: (v) => toDT(v).isInDST,
    isInLast(v, [n = 0, u = 'minutes']) {
      const now = DateTime.now();
      const past = now.minus({ [unitForDuration(u)]: n });
      const d = toDT(v);
      return past <= d && d <= now;
    },
    isWeekend: (v) => [6, 7].includes(toDT(v).weekday),
    minus: (v, args) => datePlusMinus(v, args, -1),
    plus: (v, args) => datePlusMinus(v, args, 1),
    toDateTime: (v) => (isDateTime(v) ? v : (typeof v === 'string' ? stringExt.toDateTime(v, []) : DateTime.fromJSDate(v))),
    diffTo,
    diffToNow: (v, [u]) => diffTo(v, [DateTime.now(), u]),
    toInt: (v) => (isDateTime(v) ? v.toMillis() : v.getTime()),
    toFloat: (v) => (isDateTime(v) ? v.toMillis() : v.getTime()),
    toBoolean: () => undefined,
    isEmpty: () => false,
    isNotEmpty: () => true,
  });

  const TYPES = [[arrayExt, 'Array'], [dateExt, 'Date'], [numberExt, 'Number'], [objectExt, 'Object'], [stringExt, 'String'], [booleanExt, 'Boolean']];
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const ISO_UTC = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}.\d{3}Z/;
  function isDateString(v) {
    if (typeof v !== 'string' || v.length < 24 || v.indexOf('T') < 0 || !ISO_UTC.test(v)) return false;
    const d = new Date(v);
    return !isNaN(d.getTime()) && d.toISOString() === v;
  }

  // extend is n8n's dispatcher: the type's extension wins over a native
  // method of the same name; a native method is used when the type has no
  // such extension; then isEmpty/isNotEmpty for any value; else an error
  // naming the types that have the method.
  function extend(input, name, args) {
    let fn;
    const t = typeof input;
    if (t === 'string') fn = (input.length >= 24 && isDateString(input) && name !== 'toDate' && name !== 'toDateTime') ? dateExt[name] : stringExt[name];
    else if (t === 'number') fn = numberExt[name];
    else if (t === 'boolean') fn = booleanExt[name];
    else if (input !== null && t === 'object') {
      if (Array.isArray(input)) fn = arrayExt[name];
      else if (input[DT] || input instanceof Date) fn = dateExt[name];
      else fn = objectExt[name];
    }
    if (fn) return fn(input, args);
    if (input && typeof input[name] === 'function') return input[name].apply(input, args);
    if (name === 'isEmpty') return input === null || input === undefined || !input;
    if (name === 'isNotEmpty') return !(input === null || input === undefined || !input);
    if (input === undefined || input === null) {
      throw extErr(name + " can't be used on " + String(input) + ' value', 'To ignore this error, add a ? to the variable before this function, e.g. my_var?.' + name);
    }
    const have = TYPES.filter(([t]) => name in t).map(([, n]) => '"' + n + '"');
    if (have.length === 0) throw extErr('Unknown expression function: ' + name);
    if (have.length === 1) throw extErr(name + '() is only callable on type ' + have[0]);
    const lastType = have.pop();
    throw extErr(name + '() is only callable on types ' + have.join(', ') + ', and ' + lastType);
  }

  // Every value inherits one symbol-keyed method per extension name (the
  // compiler rewrites x.name(args) into x[S.name](args)). Go defines the
  // methods: they pick the extension of the receiver's type and fall back
  // to extend() for native methods and errors.
  const S = Object.create(null);
  const names = new Set();
  for (const [t] of TYPES) for (const k of Object.keys(t)) names.add(k);
  names.add('isEmpty'); names.add('isNotEmpty');
  for (const n of N.extensionNames) names.add(n);
  for (const name of names) S[name] = Symbol('n8nx:' + name);

  function ifEmpty(value, fallback) {
    if (arguments.length !== 2) throw extErr('expected two arguments (value, defaultValue) for this function');
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'object') {
      if (Array.isArray(value) && !value.length) return fallback;
      if (!Object.keys(value).length) return fallback;
    }
    return value;
  }
  const average = (...a) => arrayExt.average(a);
  function numberList(start, end) {
    const out = [];
    if (start <= end) for (let i = start; i <= end; i++) out.push(i);
    else for (let i = start; i >= end; i--) out.push(i);
    return out;
  }
  function zip(keys, values) {
    if (!Array.isArray(keys) || !Array.isArray(values)) throw extErr('keys and values must be arrays');
    if (keys.length !== values.length) throw extErr('keys and values not of equal length');
    const o = {};
    keys.forEach((k, i) => setField(o, k, values[i]));
    return o;
  }
  function toPathSegment(input) {
    if (input === null || input === undefined) throw extErr('Invalid identifier: a value is required');
    const v = String(input);
    if (v === '' || v === '.' || v === '..') throw extErr('Invalid identifier: "' + v + '" is not allowed');
    return encodeURIComponent(v);
  }
  function jmespath(data, query) {
    if (typeof query !== 'string') throw new ExpressionError('expected a string as the second argument');
    return N.jmespath(data, query);
  }
  function sanitize(v) {
    const k = String(v);
    if (N.unsafeProperty(k)) throw new ExpressionError('Cannot access "' + k + '" due to security concerns');
    return k;
  }
  // str is mixed-text conversion of a segment (n8n: v || v === 0 || v === false ? v : '').
  function str(v) { return (v || v === 0 || v === false) ? String(v) : ''; }

  // Object as n8n exposes it: without the static methods that bypass the
  // sandbox (the compiler already rejects their names in member access).
  const SafeObject = Object;

  // goja has no Intl: numbers format like en-US by default.
  Object.defineProperty(Number.prototype, 'toLocaleString', {
    value: function (locale, opts) { return N.formatNumber(Number(this), locale === undefined ? 'en-US' : String(locale), opts || {}); },
    writable: true, enumerable: false, configurable: true,
  });
  G.__n8nx_S = S;
  G.__n8nx_san = sanitize;
  // box stands in for null and undefined before .isEmpty() and
  // .isNotEmpty(), which n8n answers for them (an empty object is empty).
  const EMPTY = Object.freeze({});
  G.__n8nx_box = (v) => (v === null || v === undefined ? EMPTY : v);
  G.__n8nx_str = str;
  G.__n8nx_lib = {
    ExpressionError, ExpressionExtensionError, DateTime, Duration, Interval, extend, S,
    tables: { string: stringExt, number: numberExt, boolean: booleanExt, array: arrayExt, object: objectExt, date: dateExt },
    dateTimeProto: DateTime.prototype, durationProto: Duration.prototype, make,
    // No prototype: a free identifier such as __proto__ or constructor must
    // not find Object.prototype's members here.
    functions: { __proto__: null, $ifEmpty: ifEmpty, $max: Math.max, $min: Math.min, $average: average, $not: (v) => !v, max: Math.max, min: Math.min, not: (v) => !v, average, numberList, zip, toPathSegment, $jmespath: jmespath, $jmesPath: jmespath },
  };
  G.DateTime = DateTime;
  G.Duration = Duration;
  G.Interval = Interval;
  G.Object = SafeObject;
})(this, __n8nx_dtn);
