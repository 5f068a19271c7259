/**
 * Sprig's date functions on engines/gotime, and the Go types a template sees: `time.Time` (with the methods
 * charts call: Format, Unix, Year, Add, UTC, …), `time.Duration`, `time.Month` and `time.Weekday`.
 */
import {
  format,
  formatDuration,
  GoTime,
  type Location,
  monthName,
  parse,
  parseDuration,
  parseTzif,
  systemZoneinfo,
  UTC,
  weekdayName,
  zeroTime,
} from '../gotime/index.ts';
import {
  ANY,
  BOOL,
  defineMethods,
  FLOAT64 as FLOAT,
  GoInt,
  GoStruct,
  goFunc,
  goInt,
  INT,
  INT64,
  namedType,
  STRING,
  structType,
  type FuncMap,
  type GoType,
  type GoValue,
} from '../gotemplate/index.ts';
import type { SprigContext } from './context.ts';
import { SprigError } from './errors.ts';
import { method } from './methods.ts';

const SECOND = 1_000_000_000n;
const MAX_DURATION = (1n << 63n) - 1n;
const MIN_DURATION = -(1n << 63n);

const nativeTime = (v: GoValue): GoTime => (v as GoStruct).native as GoTime;

interface TimeTypes {
  time: GoType;
  duration: GoType;
  month: GoType;
  weekday: GoType;
}

let types: TimeTypes | undefined;

/** timeTypes returns the Go types of the time package that Sprig's functions produce. */
export function timeTypes(): TimeTypes {
  if (types !== undefined) return types;
  const str = { type: STRING };
  const month = namedType('time.Month', INT, { String: method([], (m) => monthName(Number((m as GoInt).value)), str) });
  const weekday = namedType('time.Weekday', INT, {
    String: method([], (d) => weekdayName(Number((d as GoInt).value)), str),
  });
  const dur = (d: GoValue): bigint => (d as GoInt).value;
  const duration = namedType('time.Duration', INT64, {
    String: method([], (d) => formatDuration(dur(d)), str),
    Seconds: method([], (d) => Number(dur(d)) / 1e9, { type: FLOAT }),
    Minutes: method([], (d) => Number(dur(d)) / 6e10, { type: FLOAT }),
    Hours: method([], (d) => Number(dur(d)) / 3.6e12, { type: FLOAT }),
    Milliseconds: method([], (d) => goInt(dur(d) / 1_000_000n, INT64), { type: INT64 }),
    Nanoseconds: method([], (d) => goInt(dur(d), INT64), { type: INT64 }),
  });
  const holder: { t?: GoType } = {};
  const wrap = (t: GoTime): GoValue => new GoStruct(holder.t!, {}, t);
  const durArg = (d: GoValue): bigint => (d as GoInt).value;
  const time = structType('time.Time', [], {
    String: method([], (t) => timeString(nativeTime(t)), str),
    Format: method([STRING], (t, layout: string) => format(nativeTime(t), layout), str),
    Unix: method([], (t) => goInt(nativeTime(t).sec, INT64), { type: INT64 }),
    UnixMilli: method([], (t) => goInt(nativeTime(t).unixNanos() / 1_000_000n, INT64), { type: INT64 }),
    UnixMicro: method([], (t) => goInt(nativeTime(t).unixNanos() / 1000n, INT64), { type: INT64 }),
    UnixNano: method([], (t) => goInt(nativeTime(t).unixNanos(), INT64), { type: INT64 }),
    Year: method([], (t) => goInt(nativeTime(t).clock().year), { type: INT }),
    Month: method([], (t) => goInt(nativeTime(t).clock().month, month), { type: month }),
    Day: method([], (t) => goInt(nativeTime(t).clock().day), { type: INT }),
    Hour: method([], (t) => goInt(nativeTime(t).clock().hour), { type: INT }),
    Minute: method([], (t) => goInt(nativeTime(t).clock().minute), { type: INT }),
    Second: method([], (t) => goInt(nativeTime(t).clock().second), { type: INT }),
    Nanosecond: method([], (t) => goInt(nativeTime(t).nsec), { type: INT }),
    YearDay: method([], (t) => goInt(nativeTime(t).clock().yday), { type: INT }),
    Weekday: method([], (t) => goInt(nativeTime(t).clock().weekday, weekday), { type: weekday }),
    IsZero: method([], (t) => nativeTime(t).isZero(), { type: BOOL }),
    UTC: method([], (t) => wrap(nativeTime(t).in(UTC).stripMono())),
    Add: method([duration], (t, d: GoValue) => wrap(nativeTime(t).addNanos(durArg(d)))),
    AddDate: method([INT, INT, INT], (t, y: GoInt, m: GoInt, d: GoInt) => {
      const c = nativeTime(t).clock();
      const nt = nativeTime(t);
      const secOfDay = c.hour * 3600 + c.minute * 60 + c.second;
      return wrap(
        GoTime.date(
          c.year + Number(y.value),
          c.month + Number(m.value),
          c.day + Number(d.value),
          0,
          0,
          secOfDay,
          nt.nsec,
          nt.loc,
        ),
      );
    }),
    MarshalJSON: method(
      [],
      (t) => {
        const nt = nativeTime(t);
        const year = nt.clock().year;
        if (year < 0 || year > 9999) throw new SprigError('Time.MarshalJSON: year outside of range [0,9999]');
        return Buffer.from(`"${format(nt, '2006-01-02T15:04:05.999999999Z07:00')}"`);
      },
      { error: true },
    ),
  });
  holder.t = time;
  const other = (o: GoValue): GoTime => nativeTime(o);
  // Methods that take a time.Time need the type itself.
  defineMethods(time, {
    Sub: method([time], (t, u: GoValue) => goInt(nativeTime(t).sub(other(u)), duration), { type: duration }),
    Before: method([time], (t, u: GoValue) => nativeTime(t).unixNanos() < other(u).unixNanos(), { type: BOOL }),
    After: method([time], (t, u: GoValue) => nativeTime(t).unixNanos() > other(u).unixNanos(), { type: BOOL }),
    Equal: method([time], (t, u: GoValue) => nativeTime(t).unixNanos() === other(u).unixNanos(), { type: BOOL }),
  });
  types = { time, duration, month, weekday };
  return types;
}

/** timeString is Time.String: the default layout, and the monotonic reading when there is one. */
export function timeString(t: GoTime): string {
  let s = format(t, '2006-01-02 15:04:05.999999999 -0700 MST');
  if (t.mono !== undefined) {
    const m = t.mono < 0n ? -t.mono : t.mono;
    const secs = m / SECOND;
    const frac = (m % SECOND).toString().padStart(9, '0');
    s += ` m=${t.mono < 0n ? '-' : '+'}${secs}.${frac}`;
  }
  return s;
}

/** timeValue wraps a GoTime as a template's `time.Time`. */
export function timeValue(t: GoTime): GoStruct {
  return new GoStruct(timeTypes().time, {}, t);
}

/** durationRound is Duration.Round. */
function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    const d1 = d - m + r;
    return d1 < d ? d1 : MIN_DURATION;
  }
  if (r + r < m) return d - r;
  const d1 = d + m - r;
  return d1 > d ? d1 : MAX_DURATION;
}

const wrap64 = (n: bigint): bigint => BigInt.asIntN(64, n);

export function dateFunctions(ctx: SprigContext): FuncMap {
  const zones = new Map<string, Location | undefined>();
  const readZone = ctx.zoneinfo ?? systemZoneinfo;
  /** loadLocation is time.LoadLocation: UTC, Local, or tzdata by name; undefined for what Go refuses. */
  const loadLocation = (name: string): Location | undefined => {
    if (name === '' || name === 'UTC') return UTC;
    if (name === 'Local') return local();
    if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) return undefined;
    if (!zones.has(name)) {
      let loc: Location | undefined;
      try {
        const data = readZone(name);
        loc = data === undefined ? undefined : parseTzif(name, data);
      } catch {
        loc = undefined;
      }
      zones.set(name, loc);
    }
    return zones.get(name);
  };
  let localLoc: Location | undefined;
  const local = (): Location => {
    if (localLoc === undefined) {
      const zone = ctx.localZone;
      const loaded = zone === 'UTC' || zone === '' ? undefined : loadLocation(zone);
      localLoc = loaded === undefined ? UTC.withName('UTC') : loaded.withName('Local');
    }
    return localLoc;
  };
  const start = ctx.now();
  const now = (): GoTime => {
    const ns = ctx.now();
    return GoTime.fromUnixNanos(ns, local(), ns - start + 1n);
  };
  /** timeOf reads Sprig's "date" argument: a time, or Unix seconds as int, int32 or int64; anything else is now. */
  const timeOf = (v: GoValue): GoTime => {
    if (v instanceof GoStruct && v.native instanceof GoTime) return v.native;
    if (v instanceof GoInt && (v.type === INT || v.type === INT64 || v.type.name === 'int32')) {
      return new GoTime(Number(v.value), 0, local());
    }
    return now();
  };
  const dateInZone = (layout: string, date: GoValue, zone: string): string =>
    format(timeOf(date).in(loadLocation(zone) ?? UTC), layout);
  const timeType = timeTypes().time;
  const time = { type: timeType };
  const str = { type: STRING };
  const durationOf = (v: GoValue): bigint => {
    if (typeof v === 'string') {
      try {
        return parseDuration(v);
      } catch {
        return 0n;
      }
    }
    if (v instanceof GoInt && v.type === INT64) return v.value;
    if (v instanceof GoStruct && v.native instanceof GoTime) return now().sub(v.native);
    return 0n;
  };
  const modify = (fmt: string, date: GoValue, must: boolean): GoValue => {
    let d: bigint;
    try {
      d = parseDuration(fmt);
    } catch (err) {
      if (must) throw new SprigError((err as Error).message, { cause: err });
      return date;
    }
    return timeValue(nativeTime(date).addNanos(d));
  };
  const toDate = (layout: string, s: string, must: boolean): GoValue => {
    try {
      return timeValue(parse(layout, s, local()));
    } catch (err) {
      if (must) throw new SprigError((err as Error).message, { cause: err });
      return timeValue(zeroTime());
    }
  };
  return {
    now: goFunc([], () => timeValue(now()), time),
    date: goFunc([STRING, ANY], (layout, d) => dateInZone(layout, d, 'Local'), str),
    dateInZone: goFunc([STRING, ANY, STRING], dateInZone, str),
    date_in_zone: goFunc([STRING, ANY, STRING], dateInZone, str),
    htmlDate: goFunc([ANY], (d) => dateInZone('2006-01-02', d, 'Local'), str),
    htmlDateInZone: goFunc([ANY, STRING], (d, zone) => dateInZone('2006-01-02', d, zone), str),
    dateModify: goFunc([STRING, timeType], (fmt, d) => modify(fmt, d, false), time),
    date_modify: goFunc([STRING, timeType], (fmt, d) => modify(fmt, d, false), time),
    mustDateModify: goFunc([STRING, timeType], (fmt, d) => modify(fmt, d, true), { ...time, error: true }),
    must_date_modify: goFunc([STRING, timeType], (fmt, d) => modify(fmt, d, true), { ...time, error: true }),
    ago: goFunc(
      [ANY],
      (d) => {
        const t =
          d instanceof GoStruct && d.native instanceof GoTime
            ? d.native
            : d instanceof GoInt && (d.type === INT || d.type === INT64)
              ? new GoTime(Number(d.value), 0, local())
              : now();
        return formatDuration(roundDuration(now().sub(t), SECOND));
      },
      str,
    ),
    duration: goFunc(
      [ANY],
      (sec) => {
        let n = 0n;
        if (typeof sec === 'string') {
          const m = /^[+-]?[0-9]+$/.exec(sec);
          if (m !== null)
            n = BigInt(sec) > MAX_DURATION ? MAX_DURATION : BigInt(sec) < MIN_DURATION ? MIN_DURATION : BigInt(sec);
        } else if (sec instanceof GoInt && sec.type === INT64) n = sec.value;
        return formatDuration(wrap64(n * SECOND));
      },
      str,
    ),
    durationRound: goFunc(
      [ANY],
      (v) => {
        const d = durationOf(v);
        let u = BigInt.asUintN(64, d);
        if (d < 0n) u = BigInt.asUintN(64, -u);
        const hour = 3_600_000_000_000n;
        const units: [bigint, string][] = [
        [hour * 24n * 365n, 'y'], [hour * 24n * 30n, 'mo'], [hour * 24n, 'd'], [hour, 'h'], [60n * SECOND, 'm'], [SECOND, 's'],
      ]; // prettier-ignore
        for (const [size, suffix] of units) if (u > size) return `${u / size}${suffix}`;
        return '0s';
      },
      str,
    ),
    toDate: goFunc([STRING, STRING], (layout, s) => toDate(layout, s, false), time),
    mustToDate: goFunc([STRING, STRING], (layout, s) => toDate(layout, s, true), { ...time, error: true }),
    unixEpoch: goFunc([timeType], (d) => String(nativeTime(d).sec), str),
  };
}
