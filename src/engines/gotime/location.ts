/**
 * Go's time.Location: a zone's offsets over time, read from TZif data (as Go's LoadLocationFromTZData), with the
 * POSIX TZ rule of the file's footer (Go's tzset) for times after the last transition, and Go's lookup rules
 * (the first standard zone before the first transition).
 */

/** Zone is one offset a location uses: its abbreviation, seconds east of UTC, and whether it is daylight time. */
export interface Zone {
  readonly name: string;
  readonly offset: number;
  readonly isDST: boolean;
}

interface Transition {
  readonly when: number;
  readonly index: number;
}

/** ZoneInfo is the zone in effect at an instant and the interval [start, end) it holds for. */
export interface ZoneInfo {
  name: string;
  offset: number;
  isDST: boolean;
}

const ALPHA = -Number.MAX_SAFE_INTEGER;
const SECONDS_PER_DAY = 86400;

/** Location is a time zone: a name (what `time.Location.String()` prints), zones and transitions. */
export class Location {
  readonly name: string;
  private readonly zones: readonly Zone[];
  private readonly tx: readonly Transition[];
  private readonly extend: string;

  constructor(name: string, zones: readonly Zone[], tx: readonly Transition[] = [], extend = '') {
    this.name = name;
    this.zones = zones;
    this.tx = tx;
    this.extend = extend;
  }

  /** withName returns the same zone rules under another name (Go names its Local location "Local"). */
  withName(name: string): Location {
    return new Location(name, this.zones, this.tx, this.extend);
  }

  toString(): string {
    return this.name;
  }

  /** lookup is Location.lookup: the zone in effect at `sec` (Unix seconds). */
  lookup(sec: number): ZoneInfo {
    if (this.zones.length === 0) return { name: 'UTC', offset: 0, isDST: false };
    const tx = this.tx;
    if (tx.length === 0 || sec < (tx[0]?.when ?? 0)) {
      const z = this.zones[this.lookupFirstZone()] ?? this.zones[0]!;
      return { name: z.name, offset: z.offset, isDST: z.isDST };
    }
    let lo = 0;
    let hi = tx.length;
    while (hi - lo > 1) {
      const m = (lo + hi) >>> 1;
      if (sec < (tx[m]?.when ?? 0)) hi = m;
      else lo = m;
    }
    const z = this.zones[tx[lo]?.index ?? 0] ?? this.zones[0]!;
    if (lo === tx.length - 1 && this.extend !== '') {
      const e = tzset(this.extend, sec);
      if (e !== undefined) return e;
    }
    return { name: z.name, offset: z.offset, isDST: z.isDST };
  }

  /** lookupName is Location.lookupName: the offset of a zone abbreviation, preferring the one in effect near `unix`. */
  lookupName(name: string, unix: number): number | undefined {
    for (const z of this.zones) {
      if (z.name === name) {
        const info = this.lookup(unix - z.offset);
        if (info.name === z.name) return info.offset;
      }
    }
    for (const z of this.zones) if (z.name === name) return z.offset;
    return undefined;
  }

  private lookupFirstZone(): number {
    if (!this.tx.some((t) => t.index === 0)) return 0;
    const first = this.tx[0];
    if (first !== undefined && this.zones[first.index]?.isDST) {
      for (let zi = first.index - 1; zi >= 0; zi--) if (!this.zones[zi]?.isDST) return zi;
    }
    const zi = this.zones.findIndex((z) => !z.isDST);
    return zi >= 0 ? zi : 0;
  }
}

/** UTC is Go's time.UTC. */
export const UTC = new Location('UTC', []);

/** fixedZone is time.FixedZone. */
export function fixedZone(name: string, offset: number): Location {
  return new Location(name, [{ name, offset, isDST: false }], [{ when: ALPHA, index: 0 }]);
}

/** TzifError is TZif data that does not parse (Go's "malformed time zone information"). */
export class TzifError extends Error {}

/** parseTzif is LoadLocationFromTZData: the version 1 block for v1 files, else the 64-bit block and the footer. */
export function parseTzif(name: string, data: Uint8Array): Location {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 0;
  const need = (n: number): void => {
    if (p + n > data.length) throw new TzifError('malformed time zone information');
  };
  const header = (): number[] => {
    need(44);
    if (String.fromCharCode(...data.subarray(p, p + 4)) !== 'TZif')
      throw new TzifError('malformed time zone information');
    const version = data[p + 4] ?? 0;
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) counts.push(view.getUint32(p + 20 + 4 * i));
    p += 44;
    return [version, ...counts];
  };
  const first = header();
  let [, isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0] = first;
  let is64 = false;
  if ((first[0] ?? 0) >= 0x32) {
    // Skip the 32-bit block and use the 64-bit one.
    p += timecnt * 4 + timecnt + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt;
    [, isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0] = header();
    is64 = true;
  }
  const size = is64 ? 8 : 4;
  need(timecnt * size + timecnt + typecnt * 6 + charcnt + leapcnt * (size + 4) + isstdcnt + isutcnt);
  const whens: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    whens.push(is64 ? Number(view.getBigInt64(p + i * 8)) : view.getInt32(p + i * 4));
  }
  p += timecnt * size;
  const indexes = Array.from(data.subarray(p, p + timecnt));
  p += timecnt;
  const types: { offset: number; isDST: boolean; abbr: number }[] = [];
  for (let i = 0; i < typecnt; i++) {
    types.push({ offset: view.getInt32(p), isDST: data[p + 4] !== 0, abbr: data[p + 5] ?? 0 });
    p += 6;
  }
  const chars = data.subarray(p, p + charcnt);
  p += charcnt + leapcnt * (size + 4) + isstdcnt + isutcnt;
  let extend = '';
  if (is64 && data[p] === 0x0a) {
    const end = data.indexOf(0x0a, p + 1);
    if (end > p) extend = Buffer.from(data.subarray(p + 1, end)).toString('latin1');
  }
  if (typecnt === 0) throw new TzifError('malformed time zone information');
  const zones: Zone[] = types.map((t) => {
    let e = chars.indexOf(0, t.abbr);
    if (e < 0) e = chars.length;
    return { name: Buffer.from(chars.subarray(t.abbr, e)).toString('latin1'), offset: t.offset, isDST: t.isDST };
  });
  const tx: Transition[] = whens.map((when, i) => {
    const index = indexes[i] ?? 0;
    if (index >= zones.length) throw new TzifError('malformed time zone information');
    return { when, index };
  });
  // Go adds a fake transition at the beginning of time when there are none.
  if (tx.length === 0) tx.push({ when: ALPHA, index: 0 });
  return new Location(name, zones, tx, extend);
}

/** tzset is Go's tzset: the zone a POSIX TZ string gives at `sec`, or undefined when it does not parse. */
export function tzset(spec: string, sec: number): ZoneInfo | undefined {
  let s = spec;
  const std = tzsetName(s);
  if (std === undefined) return undefined;
  s = std[1];
  const stdOff = tzsetOffset(s);
  if (stdOff === undefined) return undefined;
  s = stdOff[1];
  let stdName = std[0];
  let stdOffset = -stdOff[0];
  if (s.length === 0 || s[0] === ',') return { name: stdName, offset: stdOffset, isDST: false };
  const dst = tzsetName(s);
  if (dst === undefined) return undefined;
  let dstName = dst[0];
  s = dst[1];
  let dstOffset: number;
  if (s.length === 0 || s[0] === ',') dstOffset = stdOffset + 3600;
  else {
    const o = tzsetOffset(s);
    if (o === undefined) return undefined;
    dstOffset = -o[0];
    s = o[1];
  }
  if (s.length === 0) s = ',M3.2.0,M11.1.0';
  if (s[0] !== ',' && s[0] !== ';') return undefined;
  s = s.slice(1);
  const startRule = tzsetRule(s);
  if (startRule === undefined || !startRule[1].startsWith(',')) return undefined;
  const endRule = tzsetRule(startRule[1].slice(1));
  if (endRule === undefined || endRule[1].length > 0) return undefined;

  const { year, yday } = yearYday(Math.floor(sec / SECONDS_PER_DAY));
  const ysec = (yday - 1) * SECONDS_PER_DAY + (sec % SECONDS_PER_DAY);
  let startSec = tzruleTime(year, startRule[0], stdOffset);
  let endSec = tzruleTime(year, endRule[0], dstOffset);
  let dstIsDST = true;
  let stdIsDST = false;
  if (endSec < startSec) {
    [startSec, endSec] = [endSec, startSec];
    [stdName, dstName] = [dstName, stdName];
    [stdOffset, dstOffset] = [dstOffset, stdOffset];
    [stdIsDST, dstIsDST] = [dstIsDST, stdIsDST];
  }
  if (ysec < startSec || ysec >= endSec) return { name: stdName, offset: stdOffset, isDST: stdIsDST };
  return { name: dstName, offset: dstOffset, isDST: dstIsDST };
}

function tzsetName(s: string): [string, string] | undefined {
  if (s.length === 0) return undefined;
  if (s[0] !== '<') {
    for (let i = 0; i < s.length; i++) {
      if ('0123456789,-+'.includes(s[i] ?? '')) return i < 3 ? undefined : [s.slice(0, i), s.slice(i)];
    }
    return s.length < 3 ? undefined : [s, ''];
  }
  const end = s.indexOf('>');
  return end < 0 ? undefined : [s.slice(1, end), s.slice(end + 1)];
}

function tzsetOffset(input: string): [number, string] | undefined {
  let s = input;
  if (s.length === 0) return undefined;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    s = s.slice(1);
    neg = true;
  }
  const h = tzsetNum(s, 0, 24 * 7);
  if (h === undefined) return undefined;
  let off = h[0] * 3600;
  s = h[1];
  if (s[0] === ':') {
    const m = tzsetNum(s.slice(1), 0, 59);
    if (m === undefined) return undefined;
    off += m[0] * 60;
    s = m[1];
    if (s[0] === ':') {
      const sec = tzsetNum(s.slice(1), 0, 59);
      if (sec === undefined) return undefined;
      off += sec[0];
      s = sec[1];
    }
  }
  return [neg ? -off : off, s];
}

interface Rule {
  kind: 'julian' | 'doy' | 'mwd';
  day: number;
  week: number;
  mon: number;
  time: number;
}

function tzsetRule(input: string): [Rule, string] | undefined {
  let s = input;
  if (s.length === 0) return undefined;
  const r: Rule = { kind: 'doy', day: 0, week: 0, mon: 0, time: 7200 };
  if (s[0] === 'J') {
    const d = tzsetNum(s.slice(1), 1, 365);
    if (d === undefined) return undefined;
    r.kind = 'julian';
    r.day = d[0];
    s = d[1];
  } else if (s[0] === 'M') {
    const mon = tzsetNum(s.slice(1), 1, 12);
    if (mon === undefined || !mon[1].startsWith('.')) return undefined;
    const week = tzsetNum(mon[1].slice(1), 1, 5);
    if (week === undefined || !week[1].startsWith('.')) return undefined;
    const day = tzsetNum(week[1].slice(1), 0, 6);
    if (day === undefined) return undefined;
    r.kind = 'mwd';
    r.mon = mon[0];
    r.week = week[0];
    r.day = day[0];
    s = day[1];
  } else {
    const d = tzsetNum(s, 0, 365);
    if (d === undefined) return undefined;
    r.day = d[0];
    s = d[1];
  }
  if (!s.startsWith('/')) return [r, s];
  const off = tzsetOffset(s.slice(1));
  if (off === undefined) return undefined;
  r.time = off[0];
  return [r, off[1]];
}

function tzsetNum(s: string, min: number, max: number): [number, string] | undefined {
  if (s.length === 0) return undefined;
  let num = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) {
      if (i === 0 || num < min) return undefined;
      return [num, s.slice(i)];
    }
    num = num * 10 + (c - 0x30);
    if (num > max) return undefined;
  }
  return num < min ? undefined : [num, ''];
}

export const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
export const daysBefore = (m: number): number => DAYS_BEFORE[m - 1] ?? 0;
export function daysIn(m: number, year: number): number {
  if (m === 2 && isLeap(year)) return 29;
  return (DAYS_BEFORE[m] ?? 0) - (DAYS_BEFORE[m - 1] ?? 0);
}

function tzruleTime(year: number, r: Rule, off: number): number {
  let s: number;
  if (r.kind === 'julian') {
    s = (r.day - 1) * SECONDS_PER_DAY;
    if (isLeap(year) && r.day >= 60) s += SECONDS_PER_DAY;
  } else if (r.kind === 'doy') {
    s = r.day * SECONDS_PER_DAY;
  } else {
    const m1 = ((r.mon + 9) % 12) + 1;
    let yy0 = year;
    if (r.mon <= 2) yy0--;
    const yy1 = Math.trunc(yy0 / 100);
    const yy2 = yy0 % 100;
    let dow = (Math.trunc((26 * m1 - 2) / 10) + 1 + yy2 + Math.trunc(yy2 / 4) + Math.trunc(yy1 / 4) - 2 * yy1) % 7;
    if (dow < 0) dow += 7;
    let d = r.day - dow;
    if (d < 0) d += 7;
    for (let i = 1; i < r.week; i++) {
      if (d + 7 >= daysIn(r.mon, year)) break;
      d += 7;
    }
    d += daysBefore(r.mon);
    if (isLeap(year) && r.mon > 2) d++;
    s = d * SECONDS_PER_DAY;
  }
  return s + r.time - off;
}

/** civil converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm). */
export function civil(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** daysFromCivil is the inverse of civil (month and day may be out of range; they normalise). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** yearYday returns the year and the 1-based day of the year of a day number. */
export function yearYday(days: number): { year: number; yday: number } {
  const { year } = civil(days);
  return { year, yday: days - daysFromCivil(year, 1, 1) + 1 };
}
