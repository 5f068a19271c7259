/**
 * Go's time layouts: Time.Format and time.Parse/ParseInLocation with the reference time
 * `Mon Jan 2 15:04:05 MST 2006`, element for element as Go's nextStdChunk reads a layout, and Go's parse errors
 * (`parsing time "x" as "2006-01-02": cannot parse "x" as "2006"`).
 */
import { daysBefore, daysIn, fixedZone, isLeap, type Location, UTC } from './location.ts';
import { quoteTime } from './duration.ts';
import { GoTime, MONTHS, DAYS, monthName, weekdayName } from './time.ts';

type Std =
  | 'LongMonth' | 'Month' | 'NumMonth' | 'ZeroMonth' | 'LongWeekDay' | 'WeekDay' | 'Day' | 'UnderDay' | 'ZeroDay'
  | 'UnderYearDay' | 'ZeroYearDay' | 'Hour' | 'Hour12' | 'ZeroHour12' | 'Minute' | 'ZeroMinute' | 'Second'
  | 'ZeroSecond' | 'LongYear' | 'Year' | 'PM' | 'pm' | 'TZ' | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ' | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ'
  | 'NumColonSecondsTZ' | 'FracSecond0' | 'FracSecond9'; // prettier-ignore

interface Chunk {
  prefix: string;
  std: Std | undefined;
  suffix: string;
  /** For fractional seconds: the digit count and the separator. */
  digits: number;
  sep: string;
}

const STD0X: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
const isDigitAt = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;
const startsWithLower = (s: string): boolean => s.length > 0 && s.charCodeAt(0) >= 0x61 && s.charCodeAt(0) <= 0x7a;

/** nextStdChunk is Go's: the text before the first layout element, the element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const at = (i: number, std: Std, len: number, digits = 0, sep = '.'): Chunk => ({
    prefix: layout.slice(0, i), std, suffix: layout.slice(i + len), digits, sep,
  }); // prettier-ignore
  const has = (i: number, w: string): boolean => layout.startsWith(w, i);
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (has(i, 'Jan')) {
          if (has(i, 'January')) return at(i, 'LongMonth', 7);
          if (!startsWithLower(layout.slice(i + 3))) return at(i, 'Month', 3);
        }
        break;
      case 'M':
        if (has(i, 'Mon')) {
          if (has(i, 'Monday')) return at(i, 'LongWeekDay', 6);
          if (!startsWithLower(layout.slice(i + 3))) return at(i, 'WeekDay', 3);
        }
        if (has(i, 'MST')) return at(i, 'TZ', 3);
        break;
      case '0': {
        const n = layout.charCodeAt(i + 1);
        if (n >= 0x31 && n <= 0x36) return at(i, STD0X[n - 0x31]!, 2);
        if (has(i, '002')) return at(i, 'ZeroYearDay', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return at(i, 'Hour', 2);
        return at(i, 'NumMonth', 1);
      case '2':
        if (has(i, '2006')) return at(i, 'LongYear', 4);
        return at(i, 'Day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (has(i + 1, '2006'))
            return {
              prefix: layout.slice(0, i + 1),
              std: 'LongYear',
              suffix: layout.slice(i + 5),
              digits: 0,
              sep: '.',
            };
          return at(i, 'UnderDay', 2);
        }
        if (has(i, '__2')) return at(i, 'UnderYearDay', 3);
        break;
      case '3':
        return at(i, 'Hour12', 1);
      case '4':
        return at(i, 'Minute', 1);
      case '5':
        return at(i, 'Second', 1);
      case 'P':
        if (layout[i + 1] === 'M') return at(i, 'PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return at(i, 'pm', 2);
        break;
      case '-':
        if (has(i, '-070000')) return at(i, 'NumSecondsTz', 7);
        if (has(i, '-07:00:00')) return at(i, 'NumColonSecondsTZ', 9);
        if (has(i, '-0700')) return at(i, 'NumTZ', 5);
        if (has(i, '-07:00')) return at(i, 'NumColonTZ', 6);
        if (has(i, '-07')) return at(i, 'NumShortTZ', 3);
        break;
      case 'Z':
        if (has(i, 'Z070000')) return at(i, 'ISO8601SecondsTZ', 7);
        if (has(i, 'Z07:00:00')) return at(i, 'ISO8601ColonSecondsTZ', 9);
        if (has(i, 'Z0700')) return at(i, 'ISO8601TZ', 5);
        if (has(i, 'Z07:00')) return at(i, 'ISO8601ColonTZ', 6);
        if (has(i, 'Z07')) return at(i, 'ISO8601ShortTZ', 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) return at(i, ch === '0' ? 'FracSecond0' : 'FracSecond9', j - i, j - (i + 1), c);
        }
        break;
      }
    }
  }
  return { prefix: layout, std: undefined, suffix: '', digits: 0, sep: '.' };
}

/** appendInt is Go's appendInt: `-` for negatives, zero-padded to `width` digits. */
function appendInt(x: number, width: number): string {
  const digits = Math.abs(x).toString();
  return (x < 0 ? '-' : '') + digits.padStart(width, '0');
}

/** format is Time.Format. */
export function format(t: GoTime, layout: string): string {
  const c = t.clock();
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const chunk = nextStdChunk(rest);
    out += chunk.prefix;
    if (chunk.std === undefined) break;
    rest = chunk.suffix;
    out += element(t, c, chunk);
  }
  return out;
}

function element(t: GoTime, c: ReturnType<GoTime['clock']>, chunk: Chunk): string {
  const hr12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  switch (chunk.std) {
    case 'Year':
      return appendInt(Math.abs(c.year) % 100, 2);
    case 'LongYear':
      return appendInt(c.year, 4);
    case 'Month':
      return monthName(c.month).slice(0, 3);
    case 'LongMonth':
      return monthName(c.month);
    case 'NumMonth':
      return appendInt(c.month, 0);
    case 'ZeroMonth':
      return appendInt(c.month, 2);
    case 'WeekDay':
      return weekdayName(c.weekday).slice(0, 3);
    case 'LongWeekDay':
      return weekdayName(c.weekday);
    case 'Day':
      return appendInt(c.day, 0);
    case 'UnderDay':
      return (c.day < 10 ? ' ' : '') + appendInt(c.day, 0);
    case 'ZeroDay':
      return appendInt(c.day, 2);
    case 'UnderYearDay':
      return (c.yday < 100 ? (c.yday < 10 ? '  ' : ' ') : '') + appendInt(c.yday, 0);
    case 'ZeroYearDay':
      return appendInt(c.yday, 3);
    case 'Hour':
      return appendInt(c.hour, 2);
    case 'Hour12':
      return appendInt(hr12, 0);
    case 'ZeroHour12':
      return appendInt(hr12, 2);
    case 'Minute':
      return appendInt(c.minute, 0);
    case 'ZeroMinute':
      return appendInt(c.minute, 2);
    case 'Second':
      return appendInt(c.second, 0);
    case 'ZeroSecond':
      return appendInt(c.second, 2);
    case 'PM':
      return c.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return c.hour >= 12 ? 'pm' : 'am';
    case 'TZ': {
      if (c.zone !== '') return c.zone;
      const z = Math.trunc(c.offset / 60);
      const a = Math.abs(z);
      return (z < 0 ? '-' : '+') + appendInt(Math.trunc(a / 60), 2) + appendInt(a % 60, 2);
    }
    case 'FracSecond0':
    case 'FracSecond9':
      return fraction(t.nsec, chunk);
    case undefined:
      return '';
    default:
      return zoneOffset(chunk.std, c.offset);
  }
}

function zoneOffset(std: Std, offset: number): string {
  if (offset === 0 && std.startsWith('ISO8601')) return 'Z';
  const zone = Math.trunc(offset / 60);
  const abs = Math.abs(offset);
  let out = (zone < 0 ? '-' : '+') + appendInt(Math.trunc(Math.abs(zone) / 60), 2);
  const colon =
    std === 'ISO8601ColonTZ' || std === 'NumColonTZ' || std === 'ISO8601ColonSecondsTZ' || std === 'NumColonSecondsTZ';
  if (colon) out += ':';
  if (std !== 'NumShortTZ' && std !== 'ISO8601ShortTZ') out += appendInt(Math.abs(zone) % 60, 2);
  if (
    std === 'ISO8601SecondsTZ' ||
    std === 'NumSecondsTz' ||
    std === 'NumColonSecondsTZ' ||
    std === 'ISO8601ColonSecondsTZ'
  ) {
    if (std === 'NumColonSecondsTZ' || std === 'ISO8601ColonSecondsTZ') out += ':';
    out += appendInt(abs % 60, 2);
  }
  return out;
}

function fraction(nsec: number, chunk: Chunk): string {
  const trim = chunk.std === 'FracSecond9';
  const n = Math.min(chunk.digits, 9);
  if (trim && (n === 0 || nsec === 0)) return '';
  let digits = appendInt(nsec, 9).slice(0, n);
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' && trim ? '' : chunk.sep + digits;
}

/** ParseError is time.ParseError with Go's message. */
export class ParseError extends Error {}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): ParseError {
  if (message === '') {
    return new ParseError(
      `parsing time ${quoteTime(value)} as ${quoteTime(layout)}: cannot parse ${quoteTime(valueElem)} as ${quoteTime(layoutElem)}`,
    );
  }
  return new ParseError(`parsing time ${quoteTime(value)}${message}`);
}

class Bad extends Error {}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new Bad();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new Bad();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 48);
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [n, s.slice(i)];
}

/** atoi is the time package's atoi: optional sign, digits only. */
function atoi(s: string): number {
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (m === null) throw new Bad();
  const n = Number(m[2]);
  return m[1] === '-' ? -n : n;
}

function lookupName(tab: readonly string[], val: string): [number, string] {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i] ?? '';
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase())
      return [i, val.slice(v.length)];
  }
  throw new Bad();
}

function skip(value: string, prefix: string): string {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') throw new Bad();
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) throw new Bad();
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

function parseNanoseconds(value: string, nbytes: number): [number, string] {
  if (value[0] !== '.' && value[0] !== ',') throw new Bad();
  const n = Math.min(nbytes, 10);
  const ns = atoi(value.slice(1, n));
  if (ns < 0) return [0, 'fractional second'];
  return [ns * 10 ** (10 - n), ''];
}

function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let upper = 0;
  while (upper < 6 && upper < value.length && value.charCodeAt(upper) >= 0x41 && value.charCodeAt(upper) <= 0x5a)
    upper++;
  if (upper === 5) return value[4] === 'T' ? 5 : 0;
  if (upper === 4) return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
  return upper === 3 ? 3 : 0;
}

function parseSignedOffset(value: string): number {
  if (value.length === 0) return 0;
  if (value[0] !== '-' && value[0] !== '+') return 0;
  const digits = /^[0-9]*/.exec(value.slice(1))?.[0] ?? '';
  if (digits === '' || Number(digits) > 23) return 0;
  return 1 + digits.length;
}

/**
 * parse is time.ParseInLocation(layout, value, loc) (`time.Parse` when loc is UTC): a time without zone
 * information is in `loc`; a zone offset that `local` uses at that time gives a time in `local`.
 */
export function parse(layout: string, value: string, loc: Location, local: Location = loc): GoTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Location | undefined;
  let zoneOffset = -1;
  let zoneName = '';
  let rest = layout;
  let v = value;
  for (;;) {
    const chunk = nextStdChunk(rest);
    const stdstr = rest.slice(chunk.prefix.length, rest.length - chunk.suffix.length);
    try {
      v = skip(v, chunk.prefix);
    } catch {
      throw parseError(alayout, avalue, chunk.prefix, v, '');
    }
    if (chunk.std === undefined) {
      if (v.length !== 0) throw parseError(alayout, avalue, '', v, `: extra text: ${quoteTime(v)}`);
      break;
    }
    rest = chunk.suffix;
    const hold = v;
    try {
      switch (chunk.std) {
        case 'Year': {
          if (v.length < 2) throw new Bad();
          const p = v.slice(0, 2);
          v = v.slice(2);
          year = atoi(p);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case 'LongYear':
          if (v.length < 4 || !isDigitAt(v, 0)) throw new Bad();
          year = atoi(v.slice(0, 4));
          v = v.slice(4);
          break;
        case 'Month':
          [month, v] = lookupName(
            MONTHS.map((m) => m.slice(0, 3)),
            v,
          );
          month++;
          break;
        case 'LongMonth':
          [month, v] = lookupName(MONTHS, v);
          month++;
          break;
        case 'NumMonth':
        case 'ZeroMonth':
          [month, v] = getnum(v, chunk.std === 'ZeroMonth');
          if (month <= 0 || month > 12) rangeErr = 'month';
          break;
        case 'WeekDay':
          [, v] = lookupName(
            DAYS.map((d) => d.slice(0, 3)),
            v,
          );
          break;
        case 'LongWeekDay':
          [, v] = lookupName(DAYS, v);
          break;
        case 'Day':
        case 'UnderDay':
        case 'ZeroDay':
          if (chunk.std === 'UnderDay' && v[0] === ' ') v = v.slice(1);
          [day, v] = getnum(v, chunk.std === 'ZeroDay');
          break;
        case 'UnderYearDay':
        case 'ZeroYearDay':
          for (let i = 0; i < 2; i++) if (chunk.std === 'UnderYearDay' && v[0] === ' ') v = v.slice(1);
          [yday, v] = getnum3(v, chunk.std === 'ZeroYearDay');
          break;
        case 'Hour':
          [hour, v] = getnum(v, false);
          if (hour < 0 || hour >= 24) rangeErr = 'hour';
          break;
        case 'Hour12':
        case 'ZeroHour12':
          [hour, v] = getnum(v, chunk.std === 'ZeroHour12');
          if (hour < 0 || hour > 12) rangeErr = 'hour';
          break;
        case 'Minute':
        case 'ZeroMinute':
          [min, v] = getnum(v, chunk.std === 'ZeroMinute');
          if (min < 0 || min >= 60) rangeErr = 'minute';
          break;
        case 'Second':
        case 'ZeroSecond': {
          [sec, v] = getnum(v, chunk.std === 'ZeroSecond');
          if (sec < 0 || sec >= 60) {
            rangeErr = 'second';
            break;
          }
          if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1)) {
            const next = nextStdChunk(rest).std;
            if (next === 'FracSecond0' || next === 'FracSecond9') break;
            let n = 2;
            while (n < v.length && isDigitAt(v, n)) n++;
            [nsec, rangeErr] = parseNanoseconds(v, n);
            v = v.slice(n);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          if (v.length < 2) throw new Bad();
          const p = v.slice(0, 2);
          v = v.slice(2);
          const [pm, am] = chunk.std === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
          if (p === pm) pmSet = true;
          else if (p === am) amSet = true;
          else throw new Bad();
          break;
        }
        case 'ISO8601TZ':
        case 'ISO8601ShortTZ':
        case 'ISO8601ColonTZ':
        case 'ISO8601SecondsTZ':
        case 'ISO8601ColonSecondsTZ':
        case 'NumTZ':
        case 'NumShortTZ':
        case 'NumColonTZ':
        case 'NumSecondsTz':
        case 'NumColonSecondsTZ': {
          if (chunk.std.startsWith('ISO') && v[0] === 'Z') {
            v = v.slice(1);
            z = UTC;
            break;
          }
          let parts: [string, string, string, string];
          const std = chunk.std;
          if (std === 'ISO8601ColonTZ' || std === 'NumColonTZ') {
            if (v.length < 6 || v[3] !== ':') throw new Bad();
            parts = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), '00'];
            v = v.slice(6);
          } else if (std === 'NumShortTZ' || std === 'ISO8601ShortTZ') {
            if (v.length < 3) throw new Bad();
            parts = [v.slice(0, 1), v.slice(1, 3), '00', '00'];
            v = v.slice(3);
          } else if (std === 'ISO8601ColonSecondsTZ' || std === 'NumColonSecondsTZ') {
            if (v.length < 9 || v[3] !== ':' || v[6] !== ':') throw new Bad();
            parts = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), v.slice(7, 9)];
            v = v.slice(9);
          } else if (std === 'ISO8601SecondsTZ' || std === 'NumSecondsTz') {
            if (v.length < 7) throw new Bad();
            parts = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5, 7)];
            v = v.slice(7);
          } else {
            if (v.length < 5) throw new Bad();
            parts = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), '00'];
            v = v.slice(5);
          }
          const [sign, hh, mm, ss] = parts;
          const hr = getnum(hh, true)[0];
          const mn = getnum(mm, true)[0];
          const sc = getnum(ss, true)[0];
          if (hr > 24) rangeErr = 'time zone offset hour';
          if (mn > 60) rangeErr = 'time zone offset minute';
          if (sc > 60) rangeErr = 'time zone offset second';
          zoneOffset = (hr * 60 + mn) * 60 + sc;
          if (sign === '-') zoneOffset = -zoneOffset;
          else if (sign !== '+') throw new Bad();
          break;
        }
        case 'TZ': {
          if (v.startsWith('UTC')) {
            z = UTC;
            v = v.slice(3);
            break;
          }
          const n = parseTimeZone(v);
          if (n === 0) throw new Bad();
          zoneName = v.slice(0, n);
          v = v.slice(n);
          break;
        }
        case 'FracSecond0': {
          const ndigit = 1 + chunk.digits;
          if (v.length < ndigit) throw new Bad();
          [nsec, rangeErr] = parseNanoseconds(v, ndigit);
          v = v.slice(ndigit);
          break;
        }
        case 'FracSecond9': {
          if (v.length < 2 || (v[0] !== '.' && v[0] !== ',') || !isDigitAt(v, 1)) break;
          let i = 0;
          while (i + 1 < v.length && isDigitAt(v, i + 1)) i++;
          [nsec, rangeErr] = parseNanoseconds(v, 1 + i);
          v = v.slice(1 + i);
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof Bad)) throw err;
      if (rangeErr !== '') throw parseError(alayout, avalue, stdstr, v, `: ${rangeErr} out of range`);
      throw parseError(alayout, avalue, stdstr, hold, '');
    }
    if (rangeErr !== '') throw parseError(alayout, avalue, stdstr, v, `: ${rangeErr} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw parseError(alayout, avalue, '', v, ': day-of-year out of range');
    if (m === 0) {
      m = Math.trunc((yday - 1) / 31) + 1;
      if (daysBefore(m + 1) < yday) m++;
      d = yday - daysBefore(m);
    }
    if (month >= 0 && month !== m) throw parseError(alayout, avalue, '', v, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw parseError(alayout, avalue, '', v, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, '', v, ': day out of range');
  if (z !== undefined) return GoTime.date(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const t = GoTime.date(year, month, day, hour, min, sec, nsec, UTC);
    const unix = t.sec - zoneOffset;
    const info = local.lookup(unix);
    if (info.offset === zoneOffset && (zoneName === '' || info.name === zoneName))
      return new GoTime(unix, t.nsec, local);
    return new GoTime(unix, t.nsec, fixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== '') {
    const t = GoTime.date(year, month, day, hour, min, sec, nsec, UTC);
    const offset = local.lookupName(zoneName, t.sec);
    if (offset !== undefined) return new GoTime(t.sec - offset, t.nsec, local);
    let off = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) off = Number(zoneName.slice(3)) * 3600;
    return new GoTime(t.sec, t.nsec, fixedZone(zoneName, off));
  }
  return GoTime.date(year, month, day, hour, min, sec, nsec, loc);
}
